namespace PerfSecurity.Groups;

/// <summary>The binary a perf users group is for, and the distribution's wrapper script that runs it, if any.</summary>
public sealed record PerfBinaryLocation(string Path, string? WrapperPath)
{
    private readonly string? _lookedAt;

    /// <summary>
    /// For a look only: why someone other than root could make the path given name another file (a link, a directory
    /// or a wrapper script of theirs on the way). <see cref="Path"/> is then the path as given, so that New-PerfUsersGroup,
    /// given this object, walks that path again and refuses it, instead of changing the root-owned file a user's link led
    /// to; <see cref="LookedAt"/> is the file it names now.
    /// </summary>
    public string? Untrusted { get; init; }

    /// <summary>The file whose state is reported: <see cref="Path"/>, or where it leads now when it is <see cref="Untrusted"/>.</summary>
    public string LookedAt { get => _lookedAt ?? Path; init => _lookedAt = value; }

    /// <summary>A sentence for -Verbose or a warning when a wrapper was resolved.</summary>
    public string? Note => WrapperPath is null ? null
        : $"'{WrapperPath}' is a wrapper script; the kernel ignores file capabilities on scripts, so the binary it runs for this kernel, '{Path}', is used.";
}
