namespace PerfSecurity;

/// <summary>One verdict of one check, for one profile and (where it applies) one file.</summary>
public sealed class Finding
{
    public Finding(string id, AuditProfile profile, string title, FindingSeverity severity, FindingStatus status,
        string expected, string actual, string remediation, string reference, string? target, bool repairable)
    {
        Id = id;
        Profile = profile;
        Title = title;
        Severity = severity;
        Status = status;
        Expected = expected;
        Actual = actual;
        Remediation = remediation;
        Reference = reference;
        Target = target;
        Repairable = repairable;
        ComputerName = Environment.MachineName;
        Timestamp = DateTime.UtcNow;
    }

    /// <summary>The check's stable id, such as PERF-PARANOID-RUNTIME.</summary>
    public string Id { get; }
    public AuditProfile Profile { get; }
    public string Title { get; }
    public FindingSeverity Severity { get; }
    public FindingStatus Status { get; }
    public string Expected { get; }
    public string Actual { get; }
    /// <summary>A command line of this module that fixes a failure (empty on a pass).</summary>
    public string Remediation { get; }
    /// <summary>The guide's section or the standard's rule id.</summary>
    public string Reference { get; }
    /// <summary>The file the finding is about, or null for a system-wide setting.</summary>
    public string? Target { get; }
    /// <summary>Whether Repair-PerfSecurityFinding can fix a failure of this finding.</summary>
    public bool Repairable { get; }
    /// <summary>The host judged (its host name), so that findings of many hosts stay apart once saved or remoted.</summary>
    public string ComputerName { get; }
    /// <summary>When the verdict was made (UTC).</summary>
    public DateTime Timestamp { get; }

    public override string ToString() => $"{Status} {Id} [{Profile}]{(Target is null ? "" : " " + Target)}: {Actual}";
}
