using PerfSecurity.Errors;

namespace PerfSecurity.Audit;

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

    /// <summary>The -Profile value that selects every profile.</summary>
    public const string All = "All";

    /// <summary>The profile names with the standard each stands for; with All last when asked. Completers and validation use this one list.</summary>
    public static IEnumerable<(string Name, string Meaning)> ProfileNames(bool includeAll)
    {
        foreach (var p in AllProfiles)
        {
            yield return (p.ToString(), p switch
            {
                AuditProfile.PerfSecurityGuide => "The kernel guide 'Perf events and tool security' and this module's safety rules (paranoid >= 2); the default",
                AuditProfile.Scap => "ComplianceAsCode/SCAP and DISA STIG: perf_event_paranoid = 2 at runtime and in every config file",
                AuditProfile.Kspp => "KSPP / kernel-hardening-checker: perf_event_paranoid = 3, kptr_restrict = 2",
                _ => "Lynis KRNL-6000: perf_event_paranoid 2|3|4, kptr_restrict 2",
            });
        }
        if (includeAll) yield return (All, "Every profile, one verdict per standard");
    }

    /// <summary>
    /// Runs the checks profile by profile (so that each profile's findings come together) and yields each profile's
    /// findings as soon as its checks are done, failures first: Fail, Warning, Pass, NotApplicable, each in check order.
    /// Profile-independent checks belong to PerfSecurityGuide. What could not be read is reported with the first
    /// profile, after the checks that read files.
    /// </summary>
    public static IEnumerable<Finding> Run(AuditContext context, IEnumerable<AuditProfile> profiles, IEnumerable<string>? onlyIds = null)
    {
        var wanted = AllProfiles.Where(profiles.Contains).ToList();
        var ids = onlyIds?.ToHashSet(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < wanted.Count; i++)
        {
            var profile = wanted[i];
            var findings = new List<Finding>();
            foreach (var check in Checks)
            {
                if (ids is not null && !ids.Contains(check.Id)) continue;
                bool applies = check is UnreadableCheck ? i == 0 : check.Profiles.Contains(profile);
                if (!applies) continue;
                context.Token.ThrowIfCancellationRequested();
                findings.AddRange(check.Run(context, profile));
            }
            foreach (var f in findings.OrderBy(f => ReportRank(f.Status))) yield return f;
        }
    }

    /// <summary>Report order of a status: what needs doing first.</summary>
    public static int ReportRank(FindingStatus status) => status switch
    {
        FindingStatus.Fail => 0,
        FindingStatus.Warning => 1,
        FindingStatus.Pass => 2,
        _ => 3,
    };
}
