namespace PerfSecurity.Groups;

/// <summary>The steps of the kernel document's procedure, in the order they run.</summary>
public enum PerfUsersGroupStep
{
    CreateGroup,
    RemoveCapabilities,
    Chown,
    Chmod,
    GrantAclEntry,
    RemoveAclEntry,
    SetCapabilities,
    Verify,
    AddMember,
}
