using PerfSecurity.Acl;

namespace PerfSecurity.Audit;

/// <summary>
/// Who may execute a perf binary as the kernel decides with its access ACL, and which group guards it: the owning
/// group when it is a dedicated one that may execute, otherwise the one named group that may (the ACL variant,
/// New-PerfUsersGroup -Grant Acl).
/// </summary>
public sealed record BinaryAcl(PosixAcl? Acl, bool Supported, IReadOnlyList<AclGrant> Executors, AclGrant? Guard)
{
    public static BinaryAcl Read(AuditedBinary b)
    {
        AclReading r = PosixAclFile.ReadNoFollow(b.Path);
        var executors = AclAccess.Executors(b.Status.Uid, b.Status.Gid, b.Status.Permissions, r.Acl);
        AclGrant? owning = executors.FirstOrDefault(g => g.Kind == AclGrantKind.OwningGroup);
        var named = executors.Where(g => g.Kind == AclGrantKind.Group).ToList();
        AclGrant? guard = owning is not null && owning.Id != 0 ? owning : named.Count == 1 ? named[0] : owning;
        return new BinaryAcl(r.Acl, r.Supported, executors, guard);
    }

    /// <summary>Named ACL entries that let someone besides root and the guarding group execute the binary.</summary>
    public IReadOnlyList<AclGrant> Outsiders
        => Executors.Where(g => g.IsNamedEntry && !(g.Kind == AclGrantKind.User && g.Id == 0) && !(g.Kind == Guard?.Kind && g.Id == Guard.Id)).ToList();

    public string AclText => Acl is null ? (Supported ? "no ACL entries" : "no POSIX ACLs on this filesystem")
        : "ACL " + string.Join(",", Acl.ToNamedText());
}
