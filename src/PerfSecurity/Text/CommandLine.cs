using System.Globalization;
using System.Text;

namespace PerfSecurity.Text;

/// <summary>
/// Quotes values for the PowerShell command lines the module recommends, so that a path read from an audit record,
/// a file name or a sudoers file is always one argument with exactly its value, whatever it contains.
/// </summary>
public static class CommandLine
{
    /// <summary>
    /// A PowerShell string literal of <paramref name="value"/>. Normally single-quoted: nothing inside is expanded, and
    /// each single quote is doubled (PowerShell also closes single-quoted strings on U+2018–U+201B, so those are
    /// doubled too). A value with control or bidirectional characters is double-quoted instead, with those characters
    /// written as `u{...} and `, $ and the double quotes escaped by a backtick, so that the command stays on one
    /// line and shows what it acts on.
    /// </summary>
    public static string Quote(string value)
    {
        if (!DisplayText.HasUnsafe(value))
        {
            var single = new StringBuilder(value.Length + 2).Append('\'');
            foreach (char c in value)
            {
                single.Append(c);
                if (IsSingleQuote(c)) single.Append(c);
            }
            return single.Append('\'').ToString();
        }
        var sb = new StringBuilder(value.Length + 16).Append('"');
        foreach (char c in value)
        {
            if (DisplayText.IsUnsafe(c)) sb.Append("`u{").Append(((int)c).ToString("x", CultureInfo.InvariantCulture)).Append('}');
            else if (c is '`' or '$' or '"' or '\u201C' or '\u201D' or '\u201E') sb.Append('`').Append(c);
            else sb.Append(c);
        }
        return sb.Append('"').ToString();
    }

    private static bool IsSingleQuote(char c) => c is '\'' or '\u2018' or '\u2019' or '\u201A' or '\u201B';
}
