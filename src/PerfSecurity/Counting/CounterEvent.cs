namespace PerfSecurity.Counting;

/// <summary>What stays the same from one reading of an event to the next: its name, its group and its unit.</summary>
public sealed record CounterEvent(string Event, string? Group, string? GroupLeader, double Scale, string? Unit, bool IsClock);
