namespace PerfSecurity.Resources;

/// <summary>
/// What pam_limits sets for one item (memlock, nofile) before it calls setrlimit: the pair (soft clipped to hard),
/// the lines that decided soft and hard (null: the starting value stayed), or the "&lt;domain&gt; -" line that
/// turns pam_limits off for the user (then nothing is set at all).
/// </summary>
public sealed record PamLimitResult(LimitPair Limit, string? SoftSource, string? HardSource, string? NoLimitsLine)
{
    /// <summary>The soft value read was above the hard one and was lowered to it.</summary>
    public bool SoftLowered { get; init; }
}
