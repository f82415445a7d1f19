namespace PerfSecurity.Counting;

/// <summary>How the counters of a <see cref="CounterSet"/> are opened.</summary>
public sealed class CounterOptions
{
    public bool Inherit { get; init; }
    public bool EnableOnExec { get; init; }
    /// <summary>Enable the counters once all are open (otherwise they wait for Enable or the exec).</summary>
    public bool StartEnabled { get; init; } = true;
    /// <summary>The target is a command this process starts and reaps: user_time and system_time can come from its rusage.</summary>
    public bool CommandTimes { get; init; }
}
