using System.Globalization;
using PerfSecurity.Acl;
using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.Audit;

/// <summary>
/// Who may execute a perf binary as the kernel decides with its access ACL, and which group guards it: the owning
/// group when it is a dedicated one that may execute, otherwise the one named group that may (the ACL variant,
/// New-PerfUsersGroup -Grant Acl).
/// </summary>
public sealed record BinaryAcl(PosixAcl? Acl, bool Supported, IReadOnlyList<AclGrant> Executors, AclGrant? Guard)
{
    public static BinaryAcl Read(PerfBinary b)
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
        : "ACL " + string.Join(",", Acl.ToText((t, id) => t == AclTag.User ? Accounts.UserById(id)?.Name : Accounts.GroupById(id)?.Name));
}

/// <summary>
/// PERF-BINARY-ACL: file-system ACLs are one of the guide's mechanisms for a privileged perf group, and also a way
/// around it: a named entry (setfacl -m u:NAME:rx, or one inherited from a directory's default ACL) lets a user
/// outside the group execute the capable binary once the mask has x, whatever the mode says of others.
/// </summary>
public sealed class BinaryAclCheck : BinaryCheck
{
    public override string Id => "PERF-BINARY-ACL";
    public override string Title => "capable perf not executable by others through ACL entries";

    protected override Finding? Judge(AuditContext context, AuditProfile profile, PerfBinary binary)
    {
        BinaryAcl acl;
        try { acl = BinaryAcl.Read(binary); }
        catch (PerfSecurityException e)
        {
            context.NoteUnreadable(binary.Path, e.Message);
            return null;
        }
        var outsiders = acl.Outsiders;
        string actual = outsiders.Count == 0 ? acl.AclText
            : $"{string.Join(", ", outsiders.Select(o => o.Describe()))} may execute it ({acl.AclText})";
        string remediation = acl.Guard switch
        {
            { Kind: AclGrantKind.Group } g => Remediations.NewPerfUsersGroup(binary.Path, Accounts.GroupById(g.Id)?.Name ?? g.Id.ToString(CultureInfo.InvariantCulture), grantAcl: true),
            { Kind: AclGrantKind.OwningGroup, Id: not 0 } => Remediations.NewPerfUsersGroup(binary.Path, binary.GroupName),
            _ => Remediations.NewPerfUsersGroup(binary.Path),
        };
        return Make(profile, outsiders.Count > 0 ? FindingStatus.Fail : FindingStatus.Pass, FindingSeverity.High,
            "no ACL entry that lets anyone but root and the perf group execute it", actual, remediation,
            "perf-security: Privileged Perf users groups (file system ACLs); acl(5) access check algorithm", binary.Path);
    }
}
