using System.Globalization;
using System.Text;

namespace PerfSecurity.Reports;

/// <summary>
/// Makes untrusted text safe to show: findings come from other hosts and from files, so host names, paths and values may
/// hold anything. Control characters and bidirectional overrides are written as visible escapes, then the text is escaped
/// for the target format.
/// </summary>
public static class ReportText
{
    /// <summary>
    /// The text with tab, CR and LF as spaces, every other control character (C0, DEL, C1), bidirectional control and
    /// unpaired surrogate as a visible \xHH or \uHHHH escape.
    /// </summary>
    public static string Visible(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c is '\t' or '\r' or '\n') sb.Append(' ');
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) sb.Append(c).Append(text[++i]);
            else if (char.IsSurrogate(c) || IsBidiControl(c) || c is '\uFEFF' or '\u2028' or '\u2029') sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            else if (char.IsControl(c)) sb.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        return sb.ToString();
    }

    // Marks, embeddings, overrides and isolates: they reorder what a reader sees (CVE-2021-42574).
    private static bool IsBidiControl(char c) => c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    /// <summary>Visible text escaped for HTML element content and quoted attribute values.</summary>
    public static string Html(string? text)
    {
        string v = Visible(text);
        var sb = new StringBuilder(v.Length + 16);
        foreach (char c in v)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }

    // CommonMark lets any ASCII punctuation be backslash-escaped; these start emphasis, code, links, raw HTML,
    // entities, strikethrough, or end a table cell.
    private const string MarkdownSpecial = "\\`*_[]<>&|~";

    /// <summary>Visible text as literal Markdown inline text, safe inside a table cell.</summary>
    public static string Markdown(string? text)
    {
        string v = Visible(text);
        var sb = new StringBuilder(v.Length + 8);
        foreach (char c in v)
        {
            if (MarkdownSpecial.Contains(c, StringComparison.Ordinal)) sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>
    /// Visible text as a Markdown code span (nothing inside is interpreted), safe inside a table cell: the fence is longer
    /// than any run of backticks inside, and | is escaped as GFM tables require even in code.
    /// </summary>
    public static string MarkdownCode(string? text)
    {
        string v = Visible(text);
        if (v.Length == 0) return "";
        int longest = 0, run = 0;
        foreach (char c in v)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }
        string fence = new('`', longest + 1);
        string body = v.Replace("|", "\\|", StringComparison.Ordinal);
        // A space on each side keeps a leading or trailing backtick off the fence; CommonMark strips one space each side.
        bool pad = body.StartsWith('`') || body.EndsWith('`') || (body.StartsWith(' ') && body.EndsWith(' '));
        return pad ? $"{fence} {body} {fence}" : $"{fence}{body}{fence}";
    }
}
