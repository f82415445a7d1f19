namespace PerfSecurity.Tooling;

/// <summary>
/// Which file "perf" means, as <see cref="PerfLocator"/> found it: every link and wrapper script on the way from the
/// name given (or found on PATH) to the binary, and whatever on the way someone other than root could change.
/// </summary>
/// <param name="Path">The name as given, or as found on PATH.</param>
/// <param name="Chain">Every step: <paramref name="Path"/> first, then each link target and each program a script runs.</param>
/// <param name="WrapperPath">The first wrapper script on the way, or null when none was met.</param>
/// <param name="Binary">
/// The file perf means: the last step, a program that is no script. Null when the chain stopped before one: at a
/// wrapper script whose binary could not be told, or at a link or script someone other than root controls (not followed).
/// </param>
/// <param name="Stop">Why the chain stopped before a binary (a sentence); null when <paramref name="Binary"/> is set.</param>
/// <param name="Weakness">
/// The first thing on the way that someone other than root could change (a directory, a link, a script, the binary
/// itself), as a sentence; null when root alone controls every step.
/// </param>
/// <param name="Untrusted">Whether the chain stopped at a link or script someone other than root controls, which was not followed.</param>
public sealed record PerfLocation(string Path, IReadOnlyList<string> Chain, string? WrapperPath, string? Binary, string? Stop, string? Weakness, bool Untrusted = false)
{
    /// <summary>The last step reached: the binary, or the link or script where the chain stopped.</summary>
    public string End => Chain[^1];

    /// <summary>Whether a wrapper script is on the way (the kernel ignores file capabilities on scripts).</summary>
    public bool IsScript => WrapperPath is not null;

    /// <summary>A sentence for -Verbose or a warning when a wrapper was followed to its binary.</summary>
    public string? Note => WrapperPath is null || Binary is null ? null
        : $"'{WrapperPath}' is a wrapper script; the kernel ignores file capabilities on scripts, so the binary it runs for this kernel, '{Binary}', is used.";
}
