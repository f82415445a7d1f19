using PerfSecurity.Users;

namespace PerfSecurity.Acl;

/// <summary>One principal the kernel lets execute a file, and what it effectively may do.</summary>
public sealed record AclGrant(AclGrantKind Kind, uint Id, AclPermissions Effective)
{
    /// <summary>"user:alice", "group:staff", "owner root", "group root (owning group)", "others".</summary>
    public string Describe() => Kind switch
    {
        AclGrantKind.Owner => $"owner {UserNames.Of(Id)}",
        AclGrantKind.OwningGroup => $"group {GroupNames.Of(Id)} (owning group)",
        AclGrantKind.User => $"user:{UserNames.Of(Id)}",
        AclGrantKind.Group => $"group:{GroupNames.Of(Id)}",
        _ => "others",
    };

    /// <summary>Whether the grant is an extended ACL entry (user:NAME or group:NAME), not something the mode shows.</summary>
    public bool IsNamedEntry => Kind is AclGrantKind.User or AclGrantKind.Group;
}
