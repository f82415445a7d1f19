namespace PerfSecurity.Counting;

/// <summary>One run of a measured command: its exit code, times and the counter totals (in the order of the events).</summary>
public sealed record CommandRun(int ExitCode, TimeSpan Elapsed, TimeSpan UserTime, TimeSpan SystemTime, IReadOnlyList<CounterTotals> Totals, IReadOnlyList<string> EventNames);
