namespace PerfSecurity.Audit;

/// <summary>PERF-BINARY-INVENTORY: which perf binaries were examined and which carry file capabilities.</summary>
public sealed class BinaryInventoryCheck : AuditCheck
{
    public override string Id => "PERF-BINARY-INVENTORY";
    public override string Title => "perf binaries with file capabilities";

    public override IEnumerable<Finding> Run(AuditContext context, AuditProfile profile)
    {
        var all = context.Binaries;
        var capable = context.CapableBinaries.ToList();
        string actual = all.Count == 0 ? "no perf binary found"
            : $"{all.Count} examined ({string.Join(", ", all.Select(b => b.Path))}); {capable.Count} with capabilities"
              + (capable.Count > 0 ? ": " + string.Join("; ", capable.Select(b => $"{b.Path} {b.CapabilityText}")) : "");
        yield return Make(profile, all.Count == 0 ? FindingStatus.NotApplicable : FindingStatus.Pass, FindingSeverity.Info,
            "an inventory", actual, "", "perf-security: Privileged Perf users groups");
    }
}
