using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "interleaved")
{
    // interleaved <group-read program> <csv>: the group rows, side by side (Interleaved.cs).
    PerfSecurity.Benchmarks.Interleaved.Run(args[1], args[2]);
    return;
}

// Without "interleaved": BenchmarkDotNet's report of the same methods, one after the other (for a quiet machine).
// A short job with 15 measured iterations keeps the run within minutes.
var config = ManualConfig.CreateEmpty()
    .AddColumnProvider(BenchmarkDotNet.Columns.DefaultColumnProviders.Instance)
    .AddColumn(BenchmarkDotNet.Columns.StatisticColumn.Median)
    .AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default)
    .AddExporter(BenchmarkDotNet.Exporters.Csv.CsvExporter.Default)
    .AddJob(Job.ShortRun.WithWarmupCount(3).WithIterationCount(15).WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance))
    .WithArtifactsPath(args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "perfsecurity-bench-bdn"));
BenchmarkRunner.Run<PerfSecurity.Benchmarks.ReadLatency>(config);
