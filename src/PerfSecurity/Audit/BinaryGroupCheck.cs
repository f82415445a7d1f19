using PerfSecurity.Native;

namespace PerfSecurity.Audit;

/// <summary>
/// PERF-BINARY-GROUP: the guide's pattern is a dedicated group owning the binary (root:perf_users, o-rwx), and the
/// same group in the sudoers rule of the capability shell.
/// </summary>
public sealed class BinaryGroupCheck : BinaryCheck
{
    public override string Id => "PERF-BINARY-GROUP";
    public override string Title => "capable perf owned by a perf group";

    protected override Finding? Judge(AuditContext context, AuditProfile profile, AuditedBinary binary)
    {
        var group = Accounts.GroupById(binary.Status.Gid);
        string reference = "perf-security: Privileged Perf users groups (chgrp perf_users perf)";
        string remediation = Remediations.NewPerfUsersGroup(binary.Path);
        if (group is null)
            return Make(profile, FindingStatus.Fail, FindingSeverity.Medium, "a group that exists", $"gid {binary.Status.Gid} has no group entry", remediation, reference, binary.Path);
        // The ACL variant: the binary keeps its group and one named ACL entry grants the perf group.
        BinaryAcl? acl = null;
        try { acl = BinaryAcl.Read(binary); }
        catch (Errors.PerfSecurityException e) { context.NoteUnreadable(binary.Path, e.Message); }
        Accounts.GroupEntry? aclGroup = acl?.Guard is { Kind: Acl.AclGrantKind.Group } byAcl ? Accounts.GroupById(byAcl.Id) : null;
        Accounts.GroupEntry guard = aclGroup ?? group.Value;
        string actual = aclGroup is { } ag ? $"group {group.Value.Name}; the ACL entry group:{ag.Name} grants {ag.Name} ({ag.Members.Length} members)"
            : $"group {group.Value.Name} ({group.Value.Members.Length} members)";
        if (aclGroup is null && binary.Status.Gid == 0)
            return Make(profile, FindingStatus.Warning, FindingSeverity.Low, "a dedicated group such as perf_users", $"group {group.Value.Name}",
                remediation, reference, binary.Path);
        var shellGroups = context.SudoersRules.SelectMany(r => r.Groups).Distinct().ToList();
        if (shellGroups.Count > 0 && !shellGroups.Contains(guard.Name))
            return Make(profile, FindingStatus.Warning, FindingSeverity.Low, $"the capability shell's group ({string.Join(", ", shellGroups)})",
                actual, remediation, reference, binary.Path);
        return Make(profile, FindingStatus.Pass, FindingSeverity.Low, "a dedicated group", actual, remediation, reference, binary.Path);
    }
}
