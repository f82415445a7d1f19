namespace PerfSecurity.Counting;

/// <summary>
/// Sums of one event over its descriptors (threads or CPUs), before scaling, as perf stat aggregates. Slot is the
/// event's place in the session's list; Group is the group it was counted in as written (null when alone) and
/// GroupLeader that group's first event. Members of a group share its Enabled and Running times. Unschedulable is
/// set when a pinned group could not be put on the PMU (its read returned nothing).
/// </summary>
public readonly record struct CounterTotals(int Slot, string Event, string? Group, string? GroupLeader, int? Cpu,
    ulong Value, ulong Enabled, ulong Running, double Scale, string? Unit, bool IsClock, bool Unschedulable = false)
{
    public CounterTotals Minus(CounterTotals before)
        => this with { Value = Value - Math.Min(Value, before.Value), Enabled = Enabled - Math.Min(Enabled, before.Enabled), Running = Running - Math.Min(Running, before.Running) };
}
