using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

// A short job keeps the whole bench run within minutes; medians are what the report uses.
var config = ManualConfig.CreateEmpty()
    .AddColumnProvider(BenchmarkDotNet.Columns.DefaultColumnProviders.Instance)
    .AddColumn(BenchmarkDotNet.Columns.StatisticColumn.Median)
    .AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default)
    .AddExporter(BenchmarkDotNet.Exporters.Csv.CsvExporter.Default)
    .AddJob(Job.ShortRun.WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance))
    .WithArtifactsPath(args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "perfsecurity-bench-bdn"));
BenchmarkRunner.Run<PerfSecurity.Benchmarks.ReadLatency>(config);
