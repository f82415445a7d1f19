namespace PerfSecurity.Baselines;

/// <summary>A perf sysctl: its runtime value and the value the sysctl configuration sets for the next boot (null: none).</summary>
public sealed record BaselineSysctl(string Name, string? Runtime, string? NextBoot, string? NextBootSource);
