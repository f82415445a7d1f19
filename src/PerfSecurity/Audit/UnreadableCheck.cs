namespace PerfSecurity.Audit;

/// <summary>PERF-AUDIT-UNREADABLE: what the audit could not read (an unprivileged run), so that a pass is not taken for complete.</summary>
public sealed class UnreadableCheck : AuditCheck
{
    public override string Id => "PERF-AUDIT-UNREADABLE";
    public override string Title => "everything the audit needs was readable";

    public override IEnumerable<Finding> Run(AuditContext context, AuditProfile profile)
    {
        if (context.Unreadable.Count == 0) yield break;
        yield return Make(profile, FindingStatus.Warning, FindingSeverity.Info, "all inputs readable",
            string.Join("; ", context.Unreadable), Remediations.RunAuditAsRoot, "sudoers(5), sysctl.d(5), auditd(8): files only root may read");
    }
}
