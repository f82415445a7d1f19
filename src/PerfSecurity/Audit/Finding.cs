namespace PerfSecurity;

/// <summary>The standard a finding is judged by. The standards disagree on perf_event_paranoid, so each has its own verdict.</summary>
[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))] // by name in JSON and (Types.ps1xml) in CliXML/remoting
public enum AuditProfile
{
    /// <summary>The kernel guide "Perf events and tool security" and this module's own safety rules.</summary>
    PerfSecurityGuide,
    /// <summary>ComplianceAsCode / SCAP Security Guide and the DISA STIGs built from it.</summary>
    Scap,
    /// <summary>KSPP recommendations as checked by kernel-hardening-checker.</summary>
    Kspp,
    /// <summary>Lynis (KRNL-6000 sysctl profile).</summary>
    Lynis,
}

[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))] // by name in JSON and (Types.ps1xml) in CliXML/remoting
public enum FindingStatus { Pass, Fail, Warning, NotApplicable }

[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))] // by name in JSON and (Types.ps1xml) in CliXML/remoting
public enum FindingSeverity { Info, Low, Medium, High }

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
