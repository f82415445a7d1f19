using PerfSecurity.Counting;

namespace PerfSecurity;

/// <summary>One event's count at one moment, scaled for multiplexing the way perf stat does.</summary>
public sealed class CounterReading
{
    internal CounterReading(int? sessionId, CounterTotals totals, double value, bool counted, string? metric, double? variation, DateTime timestamp)
    {
        SessionId = sessionId;
        Event = totals.Event;
        Value = value;
        RawValue = totals.Value;
        TimeEnabled = totals.Enabled;
        TimeRunning = totals.Running;
        Counted = counted;
        PercentRunning = Scaling.PercentRunning(totals.Enabled, totals.Running);
        Cpu = totals.Cpu;
        Unit = totals.Unit;
        Metric = metric;
        Variation = variation;
        Group = totals.Group;
        GroupLeader = totals.GroupLeader;
        Timestamp = timestamp;
    }

    /// <summary>The session read; null for Measure-PerfCommand.</summary>
    public int? SessionId { get; }
    public string Event { get; }
    /// <summary>RawValue × TimeEnabled / TimeRunning (× the PMU's scale); nanoseconds for task-clock and cpu-clock.</summary>
    public double Value { get; }
    public ulong RawValue { get; }
    /// <summary>Nanoseconds the counter was enabled (for a group member: its group's, as one read returns them).</summary>
    public ulong TimeEnabled { get; }
    /// <summary>Nanoseconds it was actually on the PMU (for a group member: the time the whole group was).</summary>
    public ulong TimeRunning { get; }
    /// <summary>100 × running / enabled, clamped to 100 (clock events may run a little longer than enabled).</summary>
    public double PercentRunning { get; }
    /// <summary>False when the counter never ran (perf stat's &lt;not counted&gt;).</summary>
    public bool Counted { get; }
    public int? Cpu { get; }
    public string? Unit { get; }
    /// <summary>perf stat's derived figure, such as "0.998 CPUs utilized" or "1.234 K/sec".</summary>
    public string? Metric { get; }
    /// <summary>With -Repeat: the standard error of the mean in percent of the mean (perf stat's "+- x%").</summary>
    public double? Variation { get; }
    /// <summary>The group the event was counted in, as written ("{task-clock,page-faults}"); null when it was counted alone.</summary>
    public string? Group { get; }
    /// <summary>The first event of that group, which the kernel schedules the group by; null when counted alone.</summary>
    public string? GroupLeader { get; }
    public DateTime Timestamp { get; }

    public override string ToString() => $"{Value:N0} {Event}";
}
