using System.Management.Automation;
using PerfSecurity.Counting;
using PerfSecurity.Errors;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsDiagnostic.Measure, "PerfCommand")]
[OutputType(typeof(CommandMeasurement))]
[OutputType(typeof(CounterInterval))]
public sealed class MeasurePerfCommandCommand : PerfCmdlet, IDisposable
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Path")]
    [ValidateNotNullOrEmpty]
    public string FilePath { get; set; } = "";

    [Parameter(Position = 1, ValueFromRemainingArguments = true)]
    [Alias("Args")]
    public string[] ArgumentList { get; set; } = Array.Empty<string>();

    /// <summary>Events to count, as perf stat -e takes them (lists and {a,b} groups); default: perf stat's software events this machine supports.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(EventNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Event { get; set; }

    /// <summary>Count every event in one group: scheduled together, read with one system call, scaled alike.</summary>
    [Parameter]
    public SwitchParameter Group { get; set; }

    /// <summary>Count the tasks of this cgroup on every CPU while the command runs, as perf stat -a -G, instead of the command.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Cgroup { get; set; }

    /// <summary>Also write what was counted in each interval while the command runs (perf stat -I).</summary>
    [Parameter]
    [IntervalTransformation]
    public TimeSpan? Interval { get; set; }

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

    protected override void BeginProcessing()
    {
        if (Interval is { } every && every < ReadPerfCounterCommand.MinimumInterval)
            ThrowFailure(new PerfSecurityException("PerfCounterIntervalTooShort", FailureKind.InvalidArgument,
                $"An interval of {every.TotalMilliseconds:0.###} ms is too short: the least is {ReadPerfCounterCommand.MinimumInterval.TotalMilliseconds} ms, as for perf stat -I."));
        if (Interval is not null && Repeat > 1)
            ThrowFailure(new PerfSecurityException("PerfCounterIntervalWithRepeat", FailureKind.InvalidArgument,
                "-Interval follows one run as it goes: use it without -Repeat."));
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
            IReadOnlyList<EventGroup> groups = Event is not null
                ? resolver.ResolveGroups(Event, Group)
                : resolver.ResolveGroups(GenericEvents.StatDefaults.Where(e => EventCatalog.Probe(resolver.Resolve(e))), Group);
            using CgroupDirectory? cgroup = Cgroup is null ? null : CgroupDirectory.Open(KernelPath(Cgroup));
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
                IntervalCounter? intervals = null;
                runs.Add(CommandRunner.Run(file, ArgumentList, cwd, groups, _cancel.Token, i == 0 ? WriteWarning : null, streams, cgroup, Interval,
                    (totals, timestamp) =>
                    {
                        if (totals is null) intervals = new IntervalCounter(null, null, timestamp);
                        else WriteObject(intervals!.Next(totals, timestamp));
                    }));
                WriteVerbose($"Run {i + 1}: exit code {runs[^1].ExitCode}, {runs[^1].Elapsed.TotalMilliseconds:0.###} ms.");
            }
            if (Repeat > 1) { progress.RecordType = ProgressRecordType.Completed; WriteProgress(progress); }
            CommandMeasurement measurement = RepeatStatistics.Summarize(CommandRunner.Format(FilePath, ArgumentList), runs);
            foreach (string warning in Readings.Unscheduled(runs.SelectMany(r => r.Totals).ToList()).Distinct()) WriteWarning(warning);
            WriteObject(measurement);
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
}
