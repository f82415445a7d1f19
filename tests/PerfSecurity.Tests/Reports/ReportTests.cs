using System.Globalization;
using System.Xml;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using CsCheck;
using Markdig;
using PerfSecurity.Errors;
using PerfSecurity.Reports;
using Xunit;

namespace PerfSecurity.Tests.Reports;

public sealed class ReportTests
{
    private static readonly DateTime Now = new(2026, 11, 30, 6, 0, 0, DateTimeKind.Utc);

    private static ReportFinding F(string host, FindingStatus status, string id = "PERF-PARANOID-RUNTIME", AuditProfile profile = AuditProfile.Scap,
        FindingSeverity severity = FindingSeverity.Low, string? target = null, string actual = "1", string expected = "2", string fix = "Set-PerfParanoid -Level 2 -Persist",
        string title = "perf_event_paranoid (runtime)")
        => new(host, profile, id, title, severity, status, expected, actual, status == FindingStatus.Pass ? "" : fix, "ref", target, Now);

    // Strings an attacker controls (a remote host's name, a file name, a forged saved finding) or that break formats.
    private static readonly string[] Nasty =
    {
        "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' onmouseover='x", "a|b||c", "`code` ``more``", "*bold* _it_ ~~s~~",
        "[link](javascript:alert(1))", "![i](http://x/y.png)", "&amp; &lt; &#x3c;", "line1\nline2\r\n\tend", "esc\u001b[31mred\u001b[0m", "nul\0bell\a",
        "del\u007f c1\u0085\u009b", "bidi \u202Eevil\u202C \u2066x\u2069", "lone \ud800 surrogate", "emoji 😀 ok", "<!-- c -->", "]]><![CDATA[", "\\|\\", " ` ",
        "<style>body{display:none}</style>", "http://evil.example/", "\u2028sep\u2029", "\uFEFFbom",
    };

    [Fact]
    public void Visible_leaves_no_control_or_bidi_character()
    {
        foreach (string s in Nasty)
        {
            string v = ReportText.Visible(s);
            Assert.DoesNotContain(v, c => char.IsControl(c) || c is '\u202E' or '\u2066' or '\u2069' or '\u2028' or '\u2029' or '\uFEFF');
            for (int i = 0; i < v.Length; i++)
            {
                if (char.IsHighSurrogate(v[i]) && i + 1 < v.Length && char.IsLowSurrogate(v[i + 1])) i++;
                else Assert.False(char.IsSurrogate(v[i]), $"lone surrogate in {v}");
            }
        }
        Assert.Equal("esc\\x1B[31mred\\x1B[0m", ReportText.Visible("esc\u001b[31mred\u001b[0m"));
        Assert.Equal("a b", ReportText.Visible("a\nb"));
        Assert.Equal("x\\u202Ey", ReportText.Visible("x\u202Ey"));
    }

    private static IDocument ParseStrict(string html)
    {
        // Strict mode throws on any HTML5 parse error.
        var parser = new HtmlParser(new HtmlParserOptions { IsStrictMode = true });
        return parser.ParseDocument(html);
    }

    private static void AssertInert(IDocument doc, string html)
    {
        Assert.Empty(doc.QuerySelectorAll("script, img, iframe, object, embed, link, a, form, input, base, svg, math"));
        Assert.Single(doc.QuerySelectorAll("style"));
        foreach (var e in doc.All)
            foreach (var a in e.Attributes)
            {
                Assert.False(a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"{e.LocalName} has {a.Name}");
                Assert.NotEqual("src", a.Name);
                Assert.NotEqual("href", a.Name);
                Assert.NotEqual("style", a.Name);
            }
        Assert.DoesNotContain("url(", doc.QuerySelector("style")!.TextContent);
        Assert.DoesNotContain("@import", doc.QuerySelector("style")!.TextContent);
        Assert.DoesNotContain(html, c => char.IsControl(c) && c != '\n');
        // Also well-formed XML (XHTML polyglot): every element closed, every entity known.
        var xml = new XmlDocument();
        using var reader = XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        xml.Load(reader);
    }

    [Fact]
    public void Html_of_hostile_findings_is_valid_inert_and_shows_each_value_as_text()
    {
        var findings = new List<ReportFinding>();
        for (int i = 0; i < Nasty.Length; i++)
        {
            string host = Nasty[i];
            findings.Add(F(host, FindingStatus.Fail, target: Nasty[(i + 1) % Nasty.Length], actual: Nasty[(i + 2) % Nasty.Length], fix: Nasty[(i + 3) % Nasty.Length],
                title: Nasty[(i + 4) % Nasty.Length]));
            findings.Add(F(host, FindingStatus.Pass, id: "PERF-KPTR-RESTRICT"));
        }
        string html = HtmlReport.Render(new SecurityReport(findings, Nasty[0], Now));
        var doc = ParseStrict(html);
        AssertInert(doc, html);
        Assert.Equal(ReportText.Visible(Nasty[0]), doc.Title);

        var rowHeaders = doc.QuerySelectorAll("table.matrix tbody th[scope=row]").Select(e => e.TextContent).ToList();
        Assert.Equal(Nasty.Distinct().OrderBy(h => h, NaturalComparer.Instance).Select(ReportText.Visible), rowHeaders);
        var codes = doc.QuerySelectorAll("#failures code").Select(e => e.TextContent).ToHashSet();
        foreach (string s in Nasty) Assert.Contains(ReportText.Visible(s), codes);
    }

    [Fact]
    public void Html_stays_valid_for_random_text()
    {
        var text = Gen.String[Gen.Char, 0, 40];
        Gen.Select(text, text, text, text).Sample((host, target, actual, title) =>
        {
            var findings = new[] { F(host, FindingStatus.Fail, target: target, actual: actual, title: title), F(host + "2", FindingStatus.Warning, actual: title, fix: actual) };
            string html = HtmlReport.Render(new SecurityReport(findings, title.Length == 0 ? "t" : title, Now));
            var doc = ParseStrict(html);
            AssertInert(doc, html);
            Assert.Equal(2, doc.QuerySelectorAll("table.matrix tbody tr").Length);
        }, iter: 300);
    }

    // Markdig (pwsh's ConvertFrom-Markdown) keeps the \| that GFM tables need inside code spans, where GitHub's cmark-gfm
    // shows |; tests/pester/ConvertTo-PerfSecurityReport.Tests.ps1 renders with cmark-gfm itself.
    private static string InCode(string s) => ReportText.Visible(s).Replace("|", "\\|", StringComparison.Ordinal).Trim();

    private static IDocument RenderMarkdown(string markdown)
        => new HtmlParser().ParseDocument(Markdown.ToHtml(markdown, new MarkdownPipelineBuilder().UseAdvancedExtensions().Build()));

    [Fact]
    public void Markdown_of_hostile_findings_renders_each_value_as_text_in_its_own_cell()
    {
        var findings = Nasty.Select((s, i) => F("host" + i, FindingStatus.Fail, target: s, actual: Nasty[(i + 5) % Nasty.Length], fix: Nasty[(i + 7) % Nasty.Length],
            id: "PERF-X" + i, title: s)).Concat(new[] { F("<b>h</b>|x", FindingStatus.Pass) }).ToList();
        string md = MarkdownReport.Render(new SecurityReport(findings, "T <i>|", Now));
        Assert.DoesNotContain(md, c => char.IsControl(c) && c != '\n');
        var doc = RenderMarkdown(md);
        Assert.Empty(doc.QuerySelectorAll("script, img, iframe, style, b, i, em, strong, del, a, object"));
        Assert.Equal("T <i>|", doc.QuerySelector("h1")!.TextContent);

        var failures = doc.QuerySelectorAll("table")[1];
        var rows = failures.QuerySelectorAll("tbody tr").ToList();
        Assert.Equal(Nasty.Length, rows.Count);
        foreach (var row in rows)
        {
            var cells = row.QuerySelectorAll("td").Select(c => c.TextContent).ToList();
            Assert.Equal(8, cells.Count);
            int i = int.Parse(cells[3]["PERF-X".Length..], CultureInfo.InvariantCulture);
            Assert.Equal("host" + i, cells[1]);
            Assert.Equal(InCode(Nasty[i]), cells[4].Trim());
            Assert.Equal(InCode(Nasty[(i + 5) % Nasty.Length]), cells[5].Trim());
            Assert.Equal(InCode(Nasty[(i + 7) % Nasty.Length]), cells[7].Trim());
        }
        Assert.Contains(doc.QuerySelectorAll("td"), td => td.TextContent == "<b>h</b>|x");
    }

    [Fact]
    public void Failures_come_first_worst_first_and_the_same_failure_on_many_hosts_is_one_issue()
    {
        var findings = new[]
        {
            F("web10", FindingStatus.Fail, severity: FindingSeverity.Low),
            F("web2", FindingStatus.Fail, severity: FindingSeverity.Low),
            F("web2", FindingStatus.Fail, id: "PERF-KPTR-RESTRICT", severity: FindingSeverity.Medium, actual: "0", expected: "1|2", fix: "k"),
            F("web2", FindingStatus.Warning, id: "PERF-PARANOID-DRIFT", severity: FindingSeverity.High),
            F("web10", FindingStatus.Pass, id: "PERF-KPTR-RESTRICT"),
        };
        var report = new SecurityReport(findings, "t", Now);
        Assert.Equal(new[] { "web2", "web10" }, report.Hosts);
        var fails = report.WithStatus(FindingStatus.Fail);
        Assert.Equal(2, fails.Count);
        Assert.Equal("PERF-KPTR-RESTRICT", fails[0].Finding.Id);
        Assert.Equal(new[] { "web2", "web10" }, fails[1].Hosts);

        string md = MarkdownReport.Render(report);
        int failures = md.IndexOf("## Failures (3)", StringComparison.Ordinal), warnings = md.IndexOf("## Warnings (1)", StringComparison.Ordinal),
            matrix = md.IndexOf("## Hosts × checks: Scap", StringComparison.Ordinal);
        Assert.True(md.IndexOf("## Summary", StringComparison.Ordinal) < failures && failures < warnings && warnings < matrix, md);
        Assert.Contains("| web2 | Scap | 2 | 1 | 0 | 0 |", md);
        Assert.Contains("| Medium | web2 | Scap | PERF-KPTR-RESTRICT |  | `0` | `1\\|2` | `k` |", md);
        Assert.Contains("| Low | web2, web10 | Scap | PERF-PARANOID-RUNTIME |", md);
    }

    [Fact]
    public void Matrix_cell_shows_the_worst_status_of_a_per_file_check_and_how_many_files_had_it()
    {
        var findings = new[]
        {
            F("a", FindingStatus.Pass, id: "PERF-BINARY-WRITABLE", target: "/x"),
            F("a", FindingStatus.Fail, id: "PERF-BINARY-WRITABLE", target: "/y"),
            F("a", FindingStatus.Pass, id: "PERF-BINARY-WRITABLE", target: "/z"),
            F("b", FindingStatus.Pass, id: "PERF-BINARY-WRITABLE", target: "/x"),
            F("b", FindingStatus.NotApplicable),
        };
        var report = new SecurityReport(findings, "t", Now);
        Assert.Equal(new SecurityReport.Cell(FindingStatus.Fail, 1, 3), report.CellOf("a", AuditProfile.Scap, "PERF-BINARY-WRITABLE"));
        Assert.Null(report.CellOf("a", AuditProfile.Scap, "PERF-PARANOID-RUNTIME"));
        var doc = ParseStrict(HtmlReport.Render(report));
        var rows = doc.QuerySelectorAll("table.matrix tbody tr").ToList();
        Assert.Equal(new[] { "a", "b" }, rows.Select(r => r.QuerySelector("th")!.TextContent));
        // Columns in the audit's order: PERF-PARANOID-RUNTIME before PERF-BINARY-WRITABLE.
        Assert.Equal(new[] { "PERF-PARANOID-RUNTIME", "PERF-BINARY-WRITABLE" }, doc.QuerySelectorAll("table.matrix th.check").Select(t => t.TextContent));
        Assert.Equal(new[] { "empty", "s-fail" }, rows[0].QuerySelectorAll("td").Select(td => td.ClassName));
        Assert.Equal("Fail 1/3", rows[0].QuerySelectorAll("td")[1].TextContent);
        Assert.Equal(new[] { "s-notapplicable", "s-pass" }, rows[1].QuerySelectorAll("td").Select(td => td.ClassName));
    }

    [Fact]
    public void One_host_lists_every_check_instead_of_a_matrix()
    {
        var report = new SecurityReport(new[] { F("h", FindingStatus.Fail), F("h", FindingStatus.Pass, id: "PERF-KPTR-RESTRICT") }, "t", Now);
        var doc = ParseStrict(HtmlReport.Render(report));
        Assert.Empty(doc.QuerySelectorAll("table.matrix"));
        Assert.Equal(2, doc.QuerySelectorAll("#checks-Scap tbody tr").Length);
        Assert.DoesNotContain("Hosts × checks", MarkdownReport.Render(report));
    }

    [Theory]
    [InlineData("Status", "Broken")]
    [InlineData("Status", null)]
    [InlineData("Status", "7")]
    [InlineData("Profile", "Nist")]
    [InlineData("Severity", "Huge")]
    [InlineData("Id", "")]
    public void Parse_refuses_what_is_not_a_finding(string field, string? value)
    {
        string? F(string name, string normal) => name == field ? value : normal;
        var e = Assert.Throws<PerfSecurityException>(() => ReportFinding.Parse("h", F("Profile", "Scap"), F("Id", "PERF-X"), "t", F("Severity", "Low"),
            F("Status", "Fail"), "", "", "", "", null, null));
        Assert.Equal("PerfReportInvalidFinding", e.ErrorId);
        Assert.Contains(field, e.Message);
    }

    [Fact]
    public void Parse_takes_names_in_any_case_and_the_numbers_old_saved_findings_have()
    {
        var f = ReportFinding.Parse(null, "kspp", "PERF-X", null, "2", "fail", null, null, null, null, "", null);
        Assert.Equal((AuditProfile.Kspp, FindingSeverity.Medium, FindingStatus.Fail, ReportFinding.UnknownHost, (string?)null), (f.Profile, f.Severity, f.Status, f.Host, f.Target));
    }

    [Fact]
    public void Natural_order_compares_digit_runs_by_value()
    {
        var hosts = new[] { "h10", "h2", "h1", "h02", "g", "h" };
        Assert.Equal(new[] { "g", "h", "h1", "h02", "h2", "h10" }, hosts.OrderBy(h => h, NaturalComparer.Instance));
    }
}
