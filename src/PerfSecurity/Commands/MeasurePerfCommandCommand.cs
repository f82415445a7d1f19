using System.Management.Automation;
using PerfSecurity.Counting;
using PerfSecurity.Errors;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsDiagnostic.Measure, "PerfCommand")]
[OutputType(typeof(CommandMeasurement))]
public sealed class MeasurePerfCommandCommand : PerfCmdlet, IDisposable
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Path")]
    [ValidateNotNullOrEmpty]
    public string FilePath { get; set; } = "";

    [Parameter(Position = 1, ValueFromRemainingArguments = true)]
    [Alias("Args")]
    public string[] ArgumentList { get; set; } = Array.Empty<string>();

    /// <summary>Events to count; default: perf stat's software events this machine supports.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(EventNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Event { get; set; }

    [Parameter]
    [ValidateRange(1, 100)]
    public int Repeat { get; set; } = 1;

    /// <summary>A file the command reads as its standard input.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RedirectStandardInput { get; set; }

    /// <summary>A file that receives the command's standard output (created or overwritten; shared by all runs and piped commands).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RedirectStandardOutput { get; set; }

    /// <summary>A file that receives the command's standard error; the same file as -RedirectStandardOutput takes both, as 2>&amp;1.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RedirectStandardError { get; set; }

    /// <summary>Discard the command's standard output and error (those not redirected to a file).</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    private readonly CancellationTokenSource _cancel = new();

    private CommandStreams? _streams;

    protected override void StopProcessing() => _cancel.Cancel();

    protected override void EndProcessing() => Dispose();

    public void Dispose()
    {
        _streams?.Dispose();
        _streams = null;
    }

    protected override void ProcessRecord()
    {
        try
        {
            string? file = CommandRunner.FindExecutable(
                FilePath.Contains('/', StringComparison.Ordinal) ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(FilePath) : FilePath,
                Environment.GetEnvironmentVariable("PATH"));
            if (file is null)
                throw new PerfSecurityException("PerfCounterCommandNotFound", FailureKind.ObjectNotFound,
                    $"The command '{FilePath}' was not found{(FilePath.Contains('/', StringComparison.Ordinal) ? "" : " on PATH")}.", FilePath);
            CommandRunner.EnsureExecutable(file, FilePath);

            var resolver = new EventResolver(verbose: WriteVerbose);
            List<EventDefinition> events = Event is not null
                ? Event.Select(resolver.Resolve).ToList()
                : GenericEvents.StatDefaults.Select(resolver.Resolve).Where(EventCatalog.Probe).ToList();
            string cwd = SessionState.Path.CurrentFileSystemLocation.ProviderPath;

            // Opened once for the whole pipeline: commands measured one after the other append to the same files.
            CommandStreams streams = _streams ??= CommandStreams.Open(ProviderPath(RedirectStandardInput), ProviderPath(RedirectStandardOutput),
                ProviderPath(RedirectStandardError), Quiet);
            var runs = new List<CommandRun>();
            var progress = new ProgressRecord(2, $"Measuring {FilePath}", "run 1");
            for (int i = 0; i < Repeat; i++)
            {
                if (Repeat > 1)
                {
                    progress.StatusDescription = $"run {i + 1} of {Repeat}";
                    progress.PercentComplete = 100 * i / Repeat;
                    WriteProgress(progress);
                }
                // Warn about the :u fallback once, not once per run.
                runs.Add(CommandRunner.Run(file, ArgumentList, cwd, events, _cancel.Token, i == 0 ? WriteWarning : null, streams));
                WriteVerbose($"Run {i + 1}: exit code {runs[^1].ExitCode}, {runs[^1].Elapsed.TotalMilliseconds:0.###} ms.");
            }
            if (Repeat > 1) { progress.RecordType = ProgressRecordType.Completed; WriteProgress(progress); }
            WriteObject(Summarize(CommandRunner.Format(FilePath, ArgumentList), runs));
        }
        catch (OperationCanceledException)
        {
        }
        catch (PerfSecurityException e)
        {
            WriteFailure(e);
        }
    }

    private string? ProviderPath(string? path) => path is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

    private static CommandMeasurement Summarize(string command, List<CommandRun> runs)
    {
        int n = runs.Count;
        var (elapsedMean, elapsedVar) = Scaling.MeanAndError(runs.Select(r => r.Elapsed.TotalNanoseconds).ToList());
        var totals = new List<CounterTotals>();
        var variations = new List<double?>();
        for (int e = 0; e < runs[0].Totals.Count; e++)
        {
            // perf stat -r averages the scaled values; the mean of val/ena/run keeps the reading self-consistent.
            var perRun = runs.Select(r => r.Totals[e]).ToList();
            var (mean, variation) = Scaling.MeanAndError(perRun.Select(t => Scaling.Scale(t.Value, t.Enabled, t.Running).Value).ToList());
            CounterTotals first = perRun[0];
            ulong enabled = (ulong)perRun.Average(t => (double)t.Enabled), running = (ulong)perRun.Average(t => (double)t.Running);
            ulong value = running == 0 ? 0 : running >= enabled ? (ulong)Math.Round(mean) : (ulong)Math.Round(mean * running / enabled);
            totals.Add(first with { Value = value, Enabled = enabled, Running = running });
            variations.Add(n > 1 ? variation : null);
        }
        CounterReading[] readings = Readings.Build(totals, null, elapsedMean, DateTime.Now, variations);
        CounterReading? clock = readings.FirstOrDefault(r => r.Unit == "ns" && r.Counted && r.Event.StartsWith("task-clock", StringComparison.Ordinal));
        double? cpus = clock is not null && elapsedMean > 0 ? clock.Value / elapsedMean : null;
        return new CommandMeasurement(command, runs[^1].ExitCode, n, TimeSpan.FromTicks((long)(elapsedMean / 100)), n > 1 ? elapsedVar : null,
            TimeSpan.FromTicks((long)runs.Average(r => r.UserTime.Ticks)), TimeSpan.FromTicks((long)runs.Average(r => r.SystemTime.Ticks)), cpus, readings);
    }
}
