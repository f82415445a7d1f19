using PerfSecurity.Acl;
using PerfSecurity.Errors;
using PerfSecurity.Users;

namespace PerfSecurity.Audit;

/// <summary>
/// PERF-BINARY-ACL: file-system ACLs are one of the guide's mechanisms for a privileged perf group, and also a way
/// around it: a named entry (setfacl -m u:NAME:rx, or one inherited from a directory's default ACL) lets a user
/// outside the group execute the capable binary once the mask has x, whatever the mode says of others.
/// </summary>
public sealed class BinaryAclCheck : BinaryCheck
{
    public override string Id => "PERF-BINARY-ACL";
    public override string Title => "capable perf not executable by others through ACL entries";

    protected override Finding? Judge(AuditContext context, AuditProfile profile, AuditedBinary binary)
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
            { Kind: AclGrantKind.Group } g => Remediations.NewPerfUsersGroup(binary.Path, GroupNames.Of(g.Id), grantAcl: true),
            { Kind: AclGrantKind.OwningGroup, Id: not 0 } => Remediations.NewPerfUsersGroup(binary.Path, binary.GroupName),
            _ => Remediations.NewPerfUsersGroup(binary.Path),
        };
        return Make(profile, outsiders.Count > 0 ? FindingStatus.Fail : FindingStatus.Pass, FindingSeverity.High,
            "no ACL entry that lets anyone but root and the perf group execute it", actual, remediation,
            "perf-security: Privileged Perf users groups (file system ACLs); acl(5) access check algorithm", binary.Path);
    }
}
