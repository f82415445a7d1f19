namespace PerfSecurity.Settings;

/// <summary>Which boot path a system uses, and why.</summary>
public sealed record BootPathInfo(BootPath Path, string Reason);
