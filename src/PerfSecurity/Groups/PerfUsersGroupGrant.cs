namespace PerfSecurity.Groups;

/// <summary>How New-PerfUsersGroup lets the group execute the binary.</summary>
public enum PerfUsersGroupGrant
{
    /// <summary>The binary's group becomes the perf users group (chgrp), as the kernel document shows.</summary>
    Group,
    /// <summary>
    /// The binary keeps its group; the ACL entry group:NAME:r-x lets the perf users group execute it, and the
    /// owning group's entry loses its permissions.
    /// </summary>
    Acl,
}
