namespace PerfSecurity.Settings;

/// <summary>One line of a sysctl configuration file, as the boot path reads it.</summary>
/// <param name="Key">The key in dotted form (kernel.perf_event_paranoid), or the pattern (kernel.perf_event_*).</param>
/// <param name="Value">The value as it is written to the kernel (null for an exclusion line).</param>
/// <param name="File">The configuration file.</param>
/// <param name="Line">The line number in that file, from 1.</param>
/// <param name="IgnoreErrors">The key starts with '-': a write that fails is not an error.</param>
public sealed record SysctlAssignment(string Key, string? Value, string File, int Line, bool IgnoreErrors)
{
    /// <summary>The key is a glob pattern: it sets every matching key that no line names explicitly.</summary>
    public bool IsPattern { get; init; }
    /// <summary>"-key" without "=": sets nothing and keeps pattern lines away from that key.</summary>
    public bool Excludes { get; init; }
    /// <summary>Where the tool writes, relative to /proc/sys, byte for byte (Latin-1 text).</summary>
    internal string Target { get; init; } = "";
    /// <summary>The value byte for byte (Latin-1 text).</summary>
    internal string? RawValue { get; init; }
}
