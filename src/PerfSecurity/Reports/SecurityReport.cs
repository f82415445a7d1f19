using PerfSecurity.Audit;

namespace PerfSecurity.Reports;

/// <summary>
/// What a report says, whatever its format: a summary per host and profile, the failures and then the warnings (each with
/// the command that fixes it), and per profile either every check (one host) or a hosts × checks matrix (many hosts).
/// </summary>
public sealed class SecurityReport
{
    public SecurityReport(IEnumerable<ReportFinding> findings, string title, DateTime generatedUtc)
    {
        Findings = findings.ToList();
        Title = title;
        GeneratedUtc = generatedUtc;
        Hosts = Findings.Select(f => f.Host).Distinct(StringComparer.Ordinal).OrderBy(h => h, NaturalComparer.Instance).ToList();
        Profiles = Findings.Select(f => f.Profile).Distinct().OrderBy(p => p).ToList();
        Checks = Findings.Select(f => f.Id).Distinct(StringComparer.Ordinal).OrderBy(CheckOrder).ThenBy(id => id, StringComparer.Ordinal).ToList();
        var stamps = Findings.Where(f => f.Timestamp is not null).Select(f => f.Timestamp!.Value.ToUniversalTime()).ToList();
        if (stamps.Count > 0) AuditedUtc = (stamps.Min(), stamps.Max());
    }

    public string Title { get; }
    public DateTime GeneratedUtc { get; }
    public IReadOnlyList<ReportFinding> Findings { get; }
    /// <summary>Hosts in natural order (host2 before host10).</summary>
    public IReadOnlyList<string> Hosts { get; }
    public IReadOnlyList<AuditProfile> Profiles { get; }
    /// <summary>Check ids in the audit's own order; ids this version does not know come last.</summary>
    public IReadOnlyList<string> Checks { get; }
    /// <summary>When the findings were made (earliest, latest), if they say.</summary>
    public (DateTime First, DateTime Last)? AuditedUtc { get; }
    public bool ManyHosts => Hosts.Count > 1;

    /// <summary>Worst first: Fail, Warning, Pass, NotApplicable.</summary>
    public static readonly IReadOnlyList<FindingStatus> StatusOrder = new[] { FindingStatus.Fail, FindingStatus.Warning, FindingStatus.Pass, FindingStatus.NotApplicable };

    public static int Rank(FindingStatus s) => s switch
    {
        FindingStatus.Fail => 0,
        FindingStatus.Warning => 1,
        FindingStatus.Pass => 2,
        _ => 3,
    };

    private static int CheckOrder(string id)
    {
        for (int i = 0; i < AuditCatalog.Checks.Count; i++)
            if (string.Equals(AuditCatalog.Checks[i].Id, id, StringComparison.OrdinalIgnoreCase)) return i;
        return int.MaxValue;
    }

    public sealed record SummaryRow(string Host, AuditProfile Profile, int Fail, int Warning, int Pass, int NotApplicable)
    {
        public int Total => Fail + Warning + Pass + NotApplicable;
    }

    /// <summary>One row per host and profile, hosts in order.</summary>
    public IEnumerable<SummaryRow> Summary()
    {
        foreach (string host in Hosts)
        {
            foreach (var profile in Profiles)
            {
                var set = Findings.Where(f => f.Host == host && f.Profile == profile).ToList();
                if (set.Count == 0) continue;
                yield return new SummaryRow(host, profile, set.Count(f => f.Status == FindingStatus.Fail), set.Count(f => f.Status == FindingStatus.Warning),
                    set.Count(f => f.Status == FindingStatus.Pass), set.Count(f => f.Status == FindingStatus.NotApplicable));
            }
        }
    }

    /// <summary>
    /// The findings of one status, those that say the same thing on several hosts (same profile, check, target, values
    /// and fix) as one issue with the hosts listed; most severe first, then by the number of hosts, profile and check.
    /// </summary>
    public IReadOnlyList<Issue> WithStatus(FindingStatus status)
        => Findings.Where(f => f.Status == status)
            .GroupBy(f => (f.Severity, f.Profile, f.Id, f.Target, f.Actual, f.Expected, f.Remediation, f.Title))
            .Select(g => new Issue(g.First(), g.Select(f => f.Host).Distinct(StringComparer.Ordinal).OrderBy(h => h, NaturalComparer.Instance).ToList(), g.Count()))
            .OrderByDescending(i => i.Finding.Severity)
            .ThenByDescending(i => i.Hosts.Count)
            .ThenBy(i => i.Finding.Profile)
            .ThenBy(i => CheckOrder(i.Finding.Id)).ThenBy(i => i.Finding.Id, StringComparer.Ordinal)
            .ThenBy(i => i.Finding.Target, StringComparer.Ordinal)
            .ThenBy(i => i.Hosts[0], NaturalComparer.Instance)
            .ToList();

    /// <summary>One thing wrong: a finding (its host aside) and the hosts it was found on.</summary>
    public sealed record Issue(ReportFinding Finding, IReadOnlyList<string> Hosts, int Count);

    /// <summary>The findings of one host and profile, in the audit's order.</summary>
    public IReadOnlyList<ReportFinding> Of(string host, AuditProfile profile)
        => Findings.Where(f => f.Host == host && f.Profile == profile)
            .OrderBy(f => CheckOrder(f.Id)).ThenBy(f => f.Id, StringComparer.Ordinal).ThenBy(f => f.Target, StringComparer.Ordinal).ToList();

    /// <summary>A matrix cell: the worst status of the host's findings for the check (per-file checks have several), and how many had it.</summary>
    public sealed record Cell(FindingStatus Status, int Count, int Total);

    /// <summary>The checks that have findings in this profile, in the audit's order.</summary>
    public IReadOnlyList<string> ChecksOf(AuditProfile profile)
        => Checks.Where(id => Findings.Any(f => f.Profile == profile && f.Id == id)).ToList();

    /// <summary>The cell of (host, check) in the profile's matrix, or null when the host has no such finding.</summary>
    public Cell? CellOf(string host, AuditProfile profile, string id)
    {
        var set = Findings.Where(f => f.Host == host && f.Profile == profile && f.Id == id).ToList();
        if (set.Count == 0) return null;
        var worst = set.MinBy(f => Rank(f.Status))!.Status;
        return new Cell(worst, set.Count(f => f.Status == worst), set.Count);
    }

    /// <summary>The title of a check id (from the findings, else from the catalog).</summary>
    public string TitleOf(string id)
        => Findings.FirstOrDefault(f => f.Id == id && f.Title.Length > 0)?.Title
           ?? AuditCatalog.Checks.FirstOrDefault(c => c.Id == id)?.Title ?? "";
}
