using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PerfSecurity.Reports;

/// <summary>
/// The report as one self-contained HTML page: inline stylesheet, no script, no external asset, every value escaped
/// (ReportText). The page is also well-formed XML (XHTML polyglot), and its Content-Security-Policy allows nothing but
/// its own stylesheet, so that even an escaping mistake could neither run code nor load anything.
/// </summary>
public static class HtmlReport
{
    private const string Style = """
        :root { --fail: #a4161a; --fail-bg: #fde2e0; --warn: #7a4b00; --warn-bg: #fff0cc; --pass: #1b6b35; --pass-bg: #dcf3e3; --na: #57606a; --na-bg: #eaeef2; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; color: #1f2328; background: #f6f8fa; }
        header { background: #24292f; color: #fff; padding: 18px 32px; }
        header h1 { margin: 0 0 4px; font-size: 22px; font-weight: 600; }
        header p { margin: 0; color: #d0d7de; }
        .totals { list-style: none; margin: 12px 0 0; padding: 0; display: flex; gap: 8px; flex-wrap: wrap; }
        .totals li { padding: 3px 10px; border-radius: 12px; font-weight: 600; }
        main { padding: 4px 32px 24px; }
        section { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 10px 18px 14px; margin: 14px 0; overflow-x: auto; }
        h2 { font-size: 16px; margin: 4px 0 10px; }
        h2 .n { color: #57606a; font-weight: 400; }
        table { border-collapse: collapse; font-size: 13px; }
        th, td { padding: 4px 10px; text-align: left; vertical-align: top; border-bottom: 1px solid #e5e8eb; }
        thead th { background: #f6f8fa; font-weight: 600; border-bottom: 1px solid #d0d7de; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        td.zero { color: #8c959f; }
        code { font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; background: #f3f4f6; padding: 1px 4px; border-radius: 4px; overflow-wrap: anywhere; }
        .title { color: #57606a; font-size: 12px; }
        .id { white-space: nowrap; font-weight: 600; }
        .none { color: #57606a; margin: 0; }
        table.matrix th.check { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; font: 12px ui-monospace, "DejaVu Sans Mono", monospace; padding: 8px 4px; vertical-align: bottom; text-align: left; }
        table.matrix th[scope=row] { white-space: nowrap; }
        table.matrix thead th { vertical-align: bottom; }
        table.matrix td { text-align: center; font-weight: 600; font-size: 12px; min-width: 46px; border: 2px solid #fff; padding: 5px 4px; }
        table.matrix td.empty { background: #fff; color: #8c959f; }
        .s-fail { background: var(--fail-bg); color: var(--fail); }
        .s-warning { background: var(--warn-bg); color: var(--warn); }
        .s-pass { background: var(--pass-bg); color: var(--pass); }
        .s-notapplicable { background: var(--na-bg); color: var(--na); }
        footer { padding: 0 32px 24px; color: #57606a; font-size: 12px; }
        footer span { display: inline-block; padding: 1px 8px; border-radius: 10px; margin-right: 4px; font-weight: 600; }
        """;

    public static string Render(SecurityReport report)
    {
        var h = new StringBuilder();
        string styleHash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Style)));
        h.Append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n");
        h.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-").Append(styleHash)
            .Append("'; base-uri 'none'; form-action 'none'\" />\n");
        h.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n");
        h.Append("<title>").Append(ReportText.Html(report.Title)).Append("</title>\n");
        h.Append("<style>").Append(Style).Append("</style>\n</head>\n<body>\n");

        h.Append("<header>\n<h1>").Append(ReportText.Html(report.Title)).Append("</h1>\n<p>").Append(ReportText.Html(MarkdownReport.Lead(report))).Append("</p>\n");
        h.Append("<ul class=\"totals\">");
        foreach (var s in SecurityReport.StatusOrder)
            h.Append("<li class=\"").Append(Class(s)).Append("\">").Append(s).Append(' ').Append(Num(report.Findings.Count(f => f.Status == s))).Append("</li>");
        h.Append("</ul>\n</header>\n<main>\n");

        h.Append("<section id=\"summary\">\n<h2>Summary</h2>\n<table class=\"summary\">\n<thead><tr>");
        foreach (string c in new[] { "Host", "Profile", "Fail", "Warning", "Pass", "NotApplicable" }) h.Append("<th scope=\"col\">").Append(c).Append("</th>");
        h.Append("</tr></thead>\n<tbody>\n");
        foreach (var r in report.Summary())
        {
            h.Append("<tr><th scope=\"row\">").Append(ReportText.Html(r.Host)).Append("</th><td>").Append(r.Profile).Append("</td>");
            CountCell(h, r.Fail, FindingStatus.Fail);
            CountCell(h, r.Warning, FindingStatus.Warning);
            CountCell(h, r.Pass, FindingStatus.Pass);
            CountCell(h, r.NotApplicable, FindingStatus.NotApplicable);
            h.Append("</tr>\n");
        }
        h.Append("</tbody>\n</table>\n</section>\n");

        Issues(h, report, FindingStatus.Fail, "failures", "Failures");
        Issues(h, report, FindingStatus.Warning, "warnings", "Warnings");
        foreach (var profile in report.Profiles)
        {
            if (report.ManyHosts) Matrix(h, report, profile);
            else Checks(h, report, report.Hosts[0], profile);
        }

        h.Append("</main>\n<footer>\n<p>");
        foreach (var s in SecurityReport.StatusOrder) h.Append("<span class=\"").Append(Class(s)).Append("\">").Append(s).Append("</span>");
        h.Append("</p>\n<p>Fail: the host does not meet the profile. Warning: a documented trade-off or something to look at. ")
            .Append("NotApplicable: nothing to judge. In the matrix, a check judged on several files shows its worst status and how many files had it.</p>\n</footer>\n");
        h.Append("</body>\n</html>\n");
        return h.ToString();
    }

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Class(FindingStatus s) => "s-" + s.ToString().ToLowerInvariant();

    private static void CountCell(StringBuilder h, int n, FindingStatus s)
        => h.Append("<td class=\"num ").Append(n == 0 ? "zero" : Class(s)).Append("\">").Append(Num(n)).Append("</td>");

    private static void Issues(StringBuilder h, SecurityReport report, FindingStatus status, string id, string heading)
    {
        var list = report.WithStatus(status);
        h.Append("<section id=\"").Append(id).Append("\">\n<h2>").Append(heading).Append(" <span class=\"n\">(").Append(Num(list.Sum(i => i.Count))).Append(")</span></h2>\n");
        if (list.Count == 0)
        {
            h.Append("<p class=\"none\">None.</p>\n</section>\n");
            return;
        }
        h.Append("<table class=\"issues\">\n<thead><tr>");
        foreach (string c in new[] { "Severity", "Hosts", "Profile", "Check", "Target", "Actual", "Expected", "Fix" }) h.Append("<th scope=\"col\">").Append(c).Append("</th>");
        h.Append("</tr></thead>\n<tbody>\n");
        foreach (var (f, hosts, _) in list)
        {
            h.Append("<tr><td class=\"").Append(Class(status)).Append("\">").Append(f.Severity).Append("</td><td>").Append(ReportText.Html(string.Join(", ", hosts)))
                .Append("</td><td>").Append(f.Profile).Append("</td><td><span class=\"id\">").Append(ReportText.Html(f.Id)).Append("</span><br /><span class=\"title\">")
                .Append(ReportText.Html(f.Title)).Append("</span></td><td>");
            CodeCells(h, f.Target, f.Actual, f.Expected, f.Remediation);
            h.Append("</td></tr>\n");
        }
        h.Append("</tbody>\n</table>\n</section>\n");
    }

    /// <summary>Cells of code text in a row; the caller has opened the first cell and closes the last.</summary>
    private static void CodeCells(StringBuilder h, params string?[] texts)
    {
        for (int i = 0; i < texts.Length; i++)
        {
            if (i > 0) h.Append("</td><td>");
            Code(h, texts[i]);
        }
    }

    private static void Code(StringBuilder h, string? text)
    {
        if (!string.IsNullOrEmpty(text)) h.Append("<code>").Append(ReportText.Html(text)).Append("</code>");
    }

    private static void Matrix(StringBuilder h, SecurityReport report, AuditProfile profile)
    {
        var checks = report.ChecksOf(profile);
        h.Append("<section id=\"matrix-").Append(profile).Append("\">\n<h2>Hosts × checks: ").Append(profile).Append("</h2>\n");
        h.Append("<table class=\"matrix\" data-profile=\"").Append(profile).Append("\">\n<thead><tr><th scope=\"col\">Host</th>");
        foreach (string id in checks)
            h.Append("<th scope=\"col\" class=\"check\" title=\"").Append(ReportText.Html(report.TitleOf(id))).Append("\">").Append(ReportText.Html(id)).Append("</th>");
        h.Append("</tr></thead>\n<tbody>\n");
        foreach (string host in report.Hosts)
        {
            var cells = checks.Select(id => report.CellOf(host, profile, id)).ToList();
            if (cells.All(c => c is null)) continue;
            h.Append("<tr><th scope=\"row\">").Append(ReportText.Html(host)).Append("</th>");
            for (int i = 0; i < checks.Count; i++)
            {
                if (cells[i] is not { } c)
                {
                    h.Append("<td class=\"empty\" title=\"not judged\">–</td>");
                    continue;
                }
                h.Append("<td class=\"").Append(Class(c.Status)).Append("\" title=\"").Append(ReportText.Html($"{host}: {checks[i]}")).Append("\">")
                    .Append(c.Status == FindingStatus.NotApplicable ? "N/A" : c.Status.ToString());
                if (c.Total > 1) h.Append(' ').Append(Num(c.Count)).Append('/').Append(Num(c.Total));
                h.Append("</td>");
            }
            h.Append("</tr>\n");
        }
        h.Append("</tbody>\n</table>\n</section>\n");
    }

    private static void Checks(StringBuilder h, SecurityReport report, string host, AuditProfile profile)
    {
        h.Append("<section id=\"checks-").Append(profile).Append("\">\n<h2>Checks: ").Append(profile).Append("</h2>\n<table class=\"checks\">\n<thead><tr>");
        foreach (string c in new[] { "Status", "Severity", "Check", "Target", "Actual", "Expected" }) h.Append("<th scope=\"col\">").Append(c).Append("</th>");
        h.Append("</tr></thead>\n<tbody>\n");
        foreach (var f in report.Of(host, profile))
        {
            h.Append("<tr><td class=\"").Append(Class(f.Status)).Append("\">").Append(f.Status).Append("</td><td>").Append(f.Severity).Append("</td><td>")
                .Append("<span class=\"id\">").Append(ReportText.Html(f.Id)).Append("</span><br /><span class=\"title\">").Append(ReportText.Html(f.Title)).Append("</span></td><td>");
            CodeCells(h, f.Target, f.Actual, f.Expected);
            h.Append("</td></tr>\n");
        }
        h.Append("</tbody>\n</table>\n</section>\n");
    }
}
