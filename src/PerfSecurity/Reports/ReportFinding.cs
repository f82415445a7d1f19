using PerfSecurity.Errors;

namespace PerfSecurity.Reports;

/// <summary>One finding as a report sees it: from a live Finding, or from one read back from CliXML, JSON or remoting.</summary>
public sealed record ReportFinding(string Host, AuditProfile Profile, string Id, string Title, FindingSeverity Severity, FindingStatus Status,
    string Expected, string Actual, string Remediation, string Reference, string? Target, DateTime? Timestamp)
{
    /// <summary>Host name used when a finding names none (a finding of an older version of this module).</summary>
    public const string UnknownHost = "(unknown host)";

    public static ReportFinding From(Finding f)
        => new(f.ComputerName, f.Profile, f.Id, f.Title, f.Severity, f.Status, f.Expected, f.Actual, f.Remediation, f.Reference, f.Target, f.Timestamp);

    /// <summary>
    /// A finding from its fields as text (names or numbers for the enums, as a saved or remoted finding has them).
    /// Throws PerfReportInvalidFinding, naming the field, when Id, Status, Profile or Severity is missing or unknown.
    /// </summary>
    public static ReportFinding Parse(string? host, string? profile, string? id, string? title, string? severity, string? status,
        string? expected, string? actual, string? remediation, string? reference, string? target, DateTime? timestamp)
    {
        if (string.IsNullOrWhiteSpace(id)) throw Invalid("Id", id);
        return new ReportFinding(
            string.IsNullOrWhiteSpace(host) ? UnknownHost : host,
            ParseEnum<AuditProfile>("Profile", profile ?? nameof(AuditProfile.PerfSecurityGuide)),
            id, title ?? "",
            ParseEnum<FindingSeverity>("Severity", severity ?? nameof(FindingSeverity.Info)),
            ParseEnum<FindingStatus>("Status", status),
            expected ?? "", actual ?? "", remediation ?? "", reference ?? "",
            string.IsNullOrEmpty(target) ? null : target, timestamp);
    }

    private static T ParseEnum<T>(string field, string? text) where T : struct, Enum
    {
        if (text is not null && Enum.TryParse(text.Trim(), ignoreCase: true, out T value) && Enum.IsDefined(value)) return value;
        throw Invalid(field, text);
    }

    private static PerfSecurityException Invalid(string field, string? value)
        => new("PerfReportInvalidFinding", FailureKind.InvalidData,
            $"The input is not a finding of Invoke-PerfSecurityAudit: its {field} is {(value is null ? "missing" : $"'{ReportText.Visible(value)}'")}" +
            $"{(field is "Id" ? "" : $" (one of {string.Join(", ", Enum.GetNames(field switch { "Profile" => typeof(AuditProfile), "Severity" => typeof(FindingSeverity), _ => typeof(FindingStatus) }))})")}. " +
            "Pass findings as Invoke-PerfSecurityAudit writes them, or as Import-Clixml, ConvertFrom-Json or Invoke-Command bring them back.",
            value);
}
