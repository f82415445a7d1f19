namespace PerfSecurity.Audit;

/// <summary>
/// One audit check. It has a stable id, says which profiles it judges for, and yields findings;
/// <see cref="Repair"/> fixes a failing finding or says why it cannot.
/// </summary>
public abstract class AuditCheck
{
    public abstract string Id { get; }
    public abstract string Title { get; }
    /// <summary>The profiles this check gives a verdict for.</summary>
    public virtual IReadOnlyList<AuditProfile> Profiles => new[] { AuditProfile.PerfSecurityGuide };

    public abstract IEnumerable<Finding> Run(AuditContext context, AuditProfile profile);

    /// <summary>What a finding's Target names; Repair-PerfSecurityFinding evaluates and changes only that kind of file.</summary>
    public virtual RepairTargetKind TargetKind => RepairTargetKind.None;

    /// <summary>
    /// The steps that turn <paramref name="finding"/> into a pass; empty when it cannot be repaired automatically.
    /// Each step checks again, on the descriptor it changes, that the file is what the check covers and still fails.
    /// </summary>
    public virtual IEnumerable<RepairStep> Repair(Finding finding) => Array.Empty<RepairStep>();

    protected Finding Make(AuditProfile profile, FindingStatus status, FindingSeverity severity, string expected, string actual,
        string remediation, string reference, string? target = null, bool repairable = false)
        => new(Id, profile, Title, severity, status, expected, actual, status == FindingStatus.Pass ? "" : remediation, reference, target,
            repairable && status != FindingStatus.Pass);
}
