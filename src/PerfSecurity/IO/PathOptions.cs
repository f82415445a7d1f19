namespace PerfSecurity.IO;

/// <summary>How <see cref="SecurePath"/> walks a path.</summary>
[Flags]
public enum PathOptions
{
    None = 0,
    /// <summary>A symbolic link in the last place is followed like the others (root-owned in a trusted directory) instead of refused.</summary>
    FollowFinalLink = 1,
    /// <summary>The last name may be missing (a file about to be created); its directory must exist.</summary>
    AllowMissing = 2,
    /// <summary>No sticky-directory exception: every directory on the way must be root-owned and writable by root alone.</summary>
    RootOnlyDirectories = 4,
}
