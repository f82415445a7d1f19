using System.Globalization;
using System.Text;

namespace PerfSecurity.Reports;

/// <summary>The report as GitHub-flavoured Markdown: headings and pipe tables, every value escaped (ReportText).</summary>
public static class MarkdownReport
{
    public static string Render(SecurityReport report)
    {
        var md = new StringBuilder();
        md.Append("# ").Append(ReportText.Markdown(report.Title)).Append("\n\n");
        md.Append(ReportText.Markdown(Lead(report))).Append("\n\n");

        md.Append("## Summary\n\n");
        Row(md, "Host", "Profile", "Fail", "Warning", "Pass", "NotApplicable");
        md.Append("| --- | --- | ---: | ---: | ---: | ---: |\n");
        foreach (var r in report.Summary())
            Row(md, ReportText.Markdown(r.Host), r.Profile.ToString(), Count(r.Fail), Count(r.Warning), Count(r.Pass), Count(r.NotApplicable));
        md.Append('\n');

        Issues(md, report, FindingStatus.Fail, "Failures");
        Issues(md, report, FindingStatus.Warning, "Warnings");

        foreach (var profile in report.Profiles)
        {
            if (report.ManyHosts) Matrix(md, report, profile);
            else Checks(md, report, report.Hosts[0], profile);
        }
        return md.ToString().TrimEnd('\n') + "\n";
    }

    internal static string Lead(SecurityReport report)
    {
        string lead = string.Create(CultureInfo.InvariantCulture,
            $"{report.Findings.Count} findings of {report.Hosts.Count} host{(report.Hosts.Count == 1 ? "" : "s")} ({string.Join(", ", report.Profiles)}), generated {Stamp(report.GeneratedUtc)}");
        if (report.AuditedUtc is { } a)
            lead += Stamp(a.First) == Stamp(a.Last) ? $"; audited {Stamp(a.First)}" : $"; audited {Stamp(a.First)} to {Stamp(a.Last)}";
        return lead + ".";
    }

    internal static string Stamp(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static void Issues(StringBuilder md, SecurityReport report, FindingStatus status, string heading)
    {
        var list = report.WithStatus(status);
        md.Append("## ").Append(heading).Append(" (").Append(Count(list.Sum(i => i.Count))).Append(")\n\n");
        if (list.Count == 0)
        {
            md.Append("None.\n\n");
            return;
        }
        Row(md, "Severity", "Hosts", "Profile", "Id", "Target", "Actual", "Expected", "Fix");
        md.Append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        foreach (var (f, hosts, _) in list)
            Row(md, f.Severity.ToString(), ReportText.Markdown(string.Join(", ", hosts)), f.Profile.ToString(), ReportText.Markdown(f.Id), ReportText.MarkdownCode(f.Target),
                ReportText.MarkdownCode(f.Actual), ReportText.MarkdownCode(f.Expected), ReportText.MarkdownCode(f.Remediation));
        md.Append('\n');
    }

    private static void Matrix(StringBuilder md, SecurityReport report, AuditProfile profile)
    {
        var checks = report.ChecksOf(profile);
        md.Append("## Hosts × checks: ").Append(profile).Append("\n\n");
        Row(md, [.. checks.Select(ReportText.Markdown).Prepend("Host")]);
        md.Append("| --- |").Append(string.Concat(checks.Select(_ => " :---: |"))).Append('\n');
        foreach (string host in report.Hosts)
        {
            var cells = checks.Select(id => report.CellOf(host, profile, id) is { } c ? CellText(c) : "").ToArray();
            if (cells.All(c => c.Length == 0)) continue;
            Row(md, new[] { ReportText.Markdown(host) }.Concat(cells).ToArray());
        }
        md.Append('\n');
    }

    internal static string CellText(SecurityReport.Cell c)
        => c.Total == 1 ? c.Status.ToString() : string.Create(CultureInfo.InvariantCulture, $"{c.Status} ({c.Count}/{c.Total})");

    private static void Checks(StringBuilder md, SecurityReport report, string host, AuditProfile profile)
    {
        md.Append("## Checks: ").Append(profile).Append("\n\n");
        Row(md, "Status", "Severity", "Id", "Title", "Target", "Actual", "Expected");
        md.Append("| --- | --- | --- | --- | --- | --- | --- |\n");
        foreach (var f in report.Of(host, profile))
            Row(md, f.Status.ToString(), f.Severity.ToString(), ReportText.Markdown(f.Id), ReportText.Markdown(f.Title), ReportText.MarkdownCode(f.Target),
                ReportText.MarkdownCode(f.Actual), ReportText.MarkdownCode(f.Expected));
        md.Append('\n');
    }

    private static void Row(StringBuilder md, params string[] cells)
    {
        md.Append('|');
        foreach (string c in cells) md.Append(' ').Append(c).Append(" |");
        md.Append('\n');
    }
}
