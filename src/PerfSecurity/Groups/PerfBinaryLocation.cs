namespace PerfSecurity.Groups;

/// <summary>The binary a perf users group is for, and the distribution's wrapper script that runs it, if any.</summary>
public sealed record PerfBinaryLocation(string Path, string? WrapperPath)
{
    /// <summary>A sentence for -Verbose or a warning when a wrapper was resolved.</summary>
    public string? Note => WrapperPath is null ? null
        : $"'{WrapperPath}' is a wrapper script; the kernel ignores file capabilities on scripts, so the binary it runs for this kernel, '{Path}', is used.";
}
