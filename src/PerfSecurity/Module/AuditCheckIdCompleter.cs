namespace PerfSecurity.Module;

/// <summary>Completes the ids of the audit checks.</summary>
public sealed class AuditCheckIdCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values() => Audit.AuditCatalog.Checks.Select(c => (c.Id, c.Title));
}
