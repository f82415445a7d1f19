namespace PerfSecurity.Counting;

/// <summary>What stays the same from one reading of an event to the next: its name, its group and its unit.</summary>
public sealed record CounterEvent(string Event, string? Group, string? GroupLeader, double Scale, string? Unit, bool IsClock);

/// <summary>
/// Sums of one event over its descriptors (threads or CPUs), before scaling, as perf stat aggregates. Slot is the
/// event's place in the session's list; members of a group share its Enabled and Running times. Unschedulable is
/// set when a pinned group could not be put on the PMU (its read returned nothing). The event's name, group and unit
/// are in <see cref="Info"/>, shared by every reading (so that a read makes no copies of them).
/// </summary>
public readonly record struct CounterTotals(CounterEvent Info, int Slot, int? Cpu, ulong Value, ulong Enabled, ulong Running, bool Unschedulable = false)
{
    public string Event => Info.Event;
    /// <summary>The group the event was counted in, as written; null when it was counted alone.</summary>
    public string? Group => Info.Group;
    /// <summary>The first event of that group; null when counted alone.</summary>
    public string? GroupLeader => Info.GroupLeader;
    public double Scale => Info.Scale;
    public string? Unit => Info.Unit;
    public bool IsClock => Info.IsClock;

    public CounterTotals Minus(CounterTotals before)
        => this with { Value = Value - Math.Min(Value, before.Value), Enabled = Enabled - Math.Min(Enabled, before.Enabled), Running = Running - Math.Min(Running, before.Running) };
}
