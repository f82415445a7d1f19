namespace PerfSecurity.Module;

/// <summary>Completes the audit profiles and All (Invoke-PerfSecurityAudit -Profile).</summary>
public sealed class AuditProfileOrAllCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values() => Audit.AuditCatalog.ProfileNames(includeAll: true);
}
