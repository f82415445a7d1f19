using System.Diagnostics;
using System.Management.Automation;
using PerfSecurity.Counting;
using PerfSecurity.Errors;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsCommunications.Read, "PerfCounter", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(CounterReading))]
[OutputType(typeof(CounterInterval))]
public sealed class ReadPerfCounterCommand : CounterSessionCmdlet, IDisposable
{
    /// <summary>Counts since the previous reading of the session (or since it started) instead of totals.</summary>
    [Parameter]
    public SwitchParameter Delta { get; set; }

    /// <summary>One reading per CPU for sessions on CPUs.</summary>
    [Parameter]
    public SwitchParameter PerCpu { get; set; }

    /// <summary>Read every interval and write what was counted in it, until -Count intervals, the counted process ends, or Ctrl+C (perf stat -I).</summary>
    [Parameter]
    [IntervalTransformation]
    public TimeSpan? Interval { get; set; }

    /// <summary>With -Interval: how many intervals to write (perf stat --interval-count).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Count { get; set; }

    /// <summary>perf stat -I refuses intervals under 10 ms.</summary>
    internal static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(10);

    private readonly List<CounterSession> _sessions = new();
    private readonly CancellationTokenSource _stop = new();

    protected override void BeginProcessing()
    {
        if (Interval is { } every && every < MinimumInterval)
            ThrowFailure(new PerfSecurityException("PerfCounterIntervalTooShort", FailureKind.InvalidArgument,
                $"An interval of {every.TotalMilliseconds:0.###} ms is too short: the least is {MinimumInterval.TotalMilliseconds} ms, as for perf stat -I."));
        if (Count is not null && Interval is null)
            ThrowFailure(new PerfSecurityException("PerfCounterCountNeedsInterval", FailureKind.InvalidArgument,
                "-Count is the number of intervals: use it with -Interval (such as -Interval 00:00:01 -Count 5)."));
        if (Interval is not null && Delta)
            ThrowFailure(new PerfSecurityException("PerfCounterIntervalWithDelta", FailureKind.InvalidArgument,
                "-Interval readings are already the counts of each interval: leave out -Delta."));
    }

    protected override void ProcessRecord()
    {
        foreach (CounterSession session in ResolveSessions())
        {
            if (Interval is not null)
            {
                _sessions.Add(session); // read together once every session is known
                continue;
            }
            try
            {
                IReadOnlyList<CounterTotals> totals = ReadSession(session, Delta, PerCpu, out CounterReading[] readings);
                foreach (string warning in Readings.Unscheduled(totals)) WriteWarning($"Session {session.Id}: {warning}");
                foreach (CounterReading r in readings) WriteObject(r);
            }
            catch (PerfSecurityException e)
            {
                WriteFailure(e);
            }
        }
    }

    protected override void EndProcessing()
    {
        if (Interval is not { } every || _sessions.Count == 0) return;
        var sessions = _sessions.Distinct().ToList();
        var counters = new Dictionary<CounterSession, IntervalCounter>();
        var warned = new HashSet<string>(StringComparer.Ordinal);
        long start = Stopwatch.GetTimestamp(), period = (long)(every.TotalSeconds * Stopwatch.Frequency);
        foreach (CounterSession s in sessions.ToList())
        {
            try
            {
                counters[s] = new IntervalCounter(s.Id, ReadSession(s, delta: false, PerCpu, out _), start);
            }
            catch (PerfSecurityException e)
            {
                WriteFailure(e);
                sessions.Remove(s);
            }
        }
        for (int n = 1; sessions.Count > 0 && (Count is null || n <= Count); n++)
        {
            // Each interval ends at a multiple of the period from the start, so waits do not drift.
            long due = start + n * period;
            long wait = due - Stopwatch.GetTimestamp();
            if (wait > 0 && _stop.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency))) return;
            if (_stop.IsCancellationRequested) return;
            foreach (CounterSession s in sessions.ToList())
            {
                try
                {
                    bool ended = s.TargetInfo.HasEnded(); // before the read, so that the read holds all it did
                    IReadOnlyList<CounterTotals> totals = ReadSession(s, delta: false, PerCpu, out _);
                    foreach (string warning in Readings.Unscheduled(totals))
                    {
                        if (warned.Add($"{s.Id} {warning}")) WriteWarning($"Session {s.Id}: {warning}");
                    }
                    WriteObject(counters[s].Next(totals, Stopwatch.GetTimestamp()));
                    if (ended)
                    {
                        WriteVerbose($"Session {s.Id}: process {s.ProcessId} has ended; its last interval is written.");
                        sessions.Remove(s);
                    }
                }
                catch (PerfSecurityException e)
                {
                    WriteFailure(e); // a session stopped meanwhile: the others go on
                    sessions.Remove(s);
                }
            }
        }
    }

    protected override void StopProcessing() => _stop.Cancel();

    public void Dispose() => _stop.Dispose();

    /// <summary>Reads a session: totals, or the counts since its previous reading (<paramref name="delta"/>); every reading becomes the new previous one.</summary>
    internal static IReadOnlyList<CounterTotals> ReadSession(CounterSession session, bool delta, bool perCpu, out CounterReading[] readings, bool stopping = false)
    {
        if (perCpu && session.TargetInfo.Kind == CounterTargetKind.Process)
            throw new PerfSecurityException("PerfCounterPerCpuNeedsCpuTarget", FailureKind.InvalidArgument,
                $"Session {session.Id} counts process {session.ProcessId} on any CPU: -PerCpu needs a session started with -Cpu, -SystemWide or -Cgroup.", session.Id);
        long now = Stopwatch.GetTimestamp();
        if (stopping) session.Counters.Disable(); // one stop point for all counters before the final read
        IReadOnlyList<CounterTotals> totals = session.Counters.Read(perCpu);
        long since = delta ? session.LastTimestamp : session.StartTimestamp;
        var shown = new List<CounterTotals>(totals.Count);
        foreach (CounterTotals t in totals)
        {
            var key = (t.Slot, t.Cpu);
            shown.Add(delta && session.Previous.TryGetValue(key, out CounterTotals before) ? t.Minus(before) : t);
            session.Previous[key] = t;
        }
        session.LastTimestamp = now;
        double wallNs = Stopwatch.GetElapsedTime(since, now).TotalNanoseconds;
        readings = Readings.Build(shown, session.Id, wallNs, DateTime.Now);
        return shown;
    }
}
