using PerfSecurity.Users;

namespace PerfSecurity.Audit;

/// <summary>
/// PERF-AUDIT-DOUBLE-DENIAL: audit records denying both CAP_PERFMON and CAP_SYS_ADMIN to one program mean it should be
/// given CAP_PERFMON alone (the guide's advice), read with the Get-PerfCapabilityDenial core.
/// </summary>
public sealed class DoubleDenialCheck : AuditCheck
{
    public override string Id => "PERF-AUDIT-DOUBLE-DENIAL";
    public override string Title => "no double PERFMON+SYS_ADMIN denials";

    public override IEnumerable<Finding> Run(AuditContext context, AuditProfile profile)
    {
        const string Reference = "perf-security: perf_events access control (double access denial logging)";
        const string Expected = "no program denied both CAP_PERFMON and CAP_SYS_ADMIN";
        var collector = new DenialCollector(null, AccountDatabase.Load());
        string? why = null;
        try { AuditLogFile.Read(context.AuditLogPath, collector, cancel: context.Token); }
        catch (Errors.PerfSecurityException e)
        {
            why = e.Message;
            if (e.Kind == Errors.FailureKind.PermissionDenied) context.NoteUnreadable(context.AuditLogPath, e.Message);
        }
        if (why is not null)
        {
            yield return Make(profile, FindingStatus.NotApplicable, FindingSeverity.Low, Expected, why, "", Reference, context.AuditLogPath);
            yield break;
        }
        var doubles = collector.Results().Where(d => d.BothDeniedCount > 0).ToList();
        foreach (var d in doubles)
        {
            string program = d.Executable ?? $"({d.Command})";
            yield return Make(profile, FindingStatus.Fail, FindingSeverity.Low, Expected,
                $"{program}: {d.BothDeniedCount} double denial(s) for {string.Join(",", d.User)}, last {d.LastSeen:u}",
                d.Recommendation ?? DenialCollector.Recommend(d.Executable, d.Command), Reference, d.Executable ?? context.AuditLogPath);
        }
        if (doubles.Count == 0)
            yield return Make(profile, FindingStatus.Pass, FindingSeverity.Low, Expected,
                $"{collector.Statistics.Events} audit event(s) in {context.AuditLogPath}, no double denial", "", Reference, context.AuditLogPath);
    }
}
