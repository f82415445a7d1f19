namespace PerfSecurity.Audit;

/// <summary>
/// One change a repair makes: what it acts on, what it does (for ShouldProcess), and whether it rewrites a
/// file the administrator owns (asked with ShouldContinue unless -Force). A step that sets a sysctl says which value
/// it sets (<see cref="Sysctl"/>), so that a plan over several findings sets each sysctl once, to the strictest value.
/// </summary>
public sealed record RepairStep(string Target, string Action, Action Apply, bool RewritesSystemFile = false, SysctlChange? Sysctl = null);
