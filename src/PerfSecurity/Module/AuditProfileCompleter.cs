namespace PerfSecurity.Module;

/// <summary>Completes one audit profile (Repair-PerfSecurityFinding -Profile) with the standard it stands for.</summary>
public sealed class AuditProfileCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values() => Audit.AuditCatalog.ProfileNames(includeAll: false);
}
