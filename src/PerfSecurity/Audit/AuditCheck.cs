using PerfSecurity.Errors;

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

/// <summary>
/// One change a repair makes: what it acts on, what it does (for ShouldProcess), and whether it rewrites a
/// file the administrator owns (asked with ShouldContinue unless -Force).
/// </summary>
public sealed record RepairStep(string Target, string Action, Action Apply, bool RewritesSystemFile = false);

/// <summary>Every check, in report order. Adding a check is adding it here.</summary>
public static class AuditCatalog
{
    public static readonly IReadOnlyList<AuditCheck> Checks = new AuditCheck[]
    {
        new ParanoidRuntimeCheck(),
        new ParanoidPersistedCheck(),
        new ParanoidDriftCheck(),
        new KptrRestrictCheck(),
        new BinaryInventoryCheck(),
        new BinarySysAdminCheck(),
        new BinaryOthersExecuteCheck(),
        new BinaryWritableCheck(),
        new BinaryScriptCheck(),
        new BinaryGroupCheck(),
        new BinaryAclCheck(),
        new BinaryIpcLockCheck(),
        new SudoersScopeCheck(),
        new PerfDataReadableCheck(),
        new DoubleDenialCheck(),
        new LibcapPerfmonCheck(),
        new UnreadableCheck(),
    };

    public static AuditCheck Get(string id)
        => Checks.FirstOrDefault(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase))
            ?? throw new PerfSecurityException("PerfAuditUnknownCheck", FailureKind.InvalidArgument,
                $"There is no audit check '{id}'. Known checks: {string.Join(", ", Checks.Select(c => c.Id))}.", id);

    public static readonly IReadOnlyList<AuditProfile> AllProfiles = Enum.GetValues<AuditProfile>();

    /// <summary>
    /// Runs the checks profile by profile (so that each profile's findings come together), yielding findings as they are
    /// made. Profile-independent checks belong to PerfSecurityGuide. What could not be read is reported at the end of the
    /// first profile, after the checks that read files.
    /// </summary>
    public static IEnumerable<Finding> Run(AuditContext context, IEnumerable<AuditProfile> profiles, IEnumerable<string>? onlyIds = null)
    {
        var wanted = AllProfiles.Where(profiles.Contains).ToList();
        var ids = onlyIds?.ToHashSet(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < wanted.Count; i++)
        {
            var profile = wanted[i];
            foreach (var check in Checks)
            {
                if (ids is not null && !ids.Contains(check.Id)) continue;
                bool applies = check is UnreadableCheck ? i == 0 : check.Profiles.Contains(profile);
                if (!applies) continue;
                context.Token.ThrowIfCancellationRequested();
                foreach (var f in check.Run(context, profile)) yield return f;
            }
        }
    }
}
