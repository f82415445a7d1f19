namespace PerfSecurity.Audit;

/// <summary>
/// A sysctl value a repair step sets, now or for the next boot, and the values its finding would pass with (a
/// profile that wants exactly 2 does not pass with 3).
/// </summary>
public sealed record SysctlChange(string Key, int Value, bool NextBoot, Func<int, bool> Accepts);
