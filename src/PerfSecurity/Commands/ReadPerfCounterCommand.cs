using System.Diagnostics;
using System.Management.Automation;
using PerfSecurity.Counting;
using PerfSecurity.Errors;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsCommunications.Read, "PerfCounter", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(CounterReading))]
public sealed class ReadPerfCounterCommand : CounterSessionCmdlet
{
    /// <summary>Counts since the previous reading of the session (or since it started) instead of totals.</summary>
    [Parameter]
    public SwitchParameter Delta { get; set; }

    /// <summary>One reading per CPU for sessions on CPUs.</summary>
    [Parameter]
    public SwitchParameter PerCpu { get; set; }

    protected override void ProcessRecord()
    {
        foreach (CounterSession session in ResolveSessions())
        {
            try
            {
                foreach (CounterReading r in ReadSession(session, Delta, PerCpu)) WriteObject(r);
            }
            catch (PerfSecurityException e)
            {
                WriteFailure(e);
            }
        }
    }

    internal static IReadOnlyList<CounterReading> ReadSession(CounterSession session, bool delta, bool perCpu, bool stopping = false)
    {
        if (perCpu && session.TargetInfo.Kind == CounterTargetKind.Process)
            throw new PerfSecurityException("PerfCounterPerCpuNeedsCpuTarget", FailureKind.InvalidArgument,
                $"Session {session.Id} counts process {session.ProcessId} on any CPU: -PerCpu needs a session started with -Cpu or -SystemWide.", session.Id);
        long now = Stopwatch.GetTimestamp();
        if (stopping) session.Counters.Disable(); // one stop point for all counters before the final read
        IReadOnlyList<CounterTotals> totals = session.Counters.Read(perCpu);
        long since = delta ? session.LastTimestamp : session.StartTimestamp;
        var shown = new List<CounterTotals>(totals.Count);
        foreach (CounterTotals t in totals)
        {
            var key = (t.Event, t.Cpu);
            shown.Add(delta && session.Previous.TryGetValue(key, out CounterTotals before) ? t.Minus(before) : t);
            session.Previous[key] = t;
        }
        session.LastTimestamp = now;
        double wallNs = Stopwatch.GetElapsedTime(since, now).TotalNanoseconds;
        return Readings.Build(shown, session.Id, wallNs, DateTime.Now);
    }
}
