using System.Globalization;
using System.Text;

namespace PerfSecurity.Text;

/// <summary>
/// Makes text from files, audit records and perf.data safe to show on a terminal. Characters that a terminal
/// acts on instead of printing, or that reorder what is printed, are written as visible escapes:
/// C0 controls, DEL and C1 controls as <c>\xHH</c> (ESC is <c>\x1b</c>, a newline <c>\x0a</c>), and the
/// Unicode bidirectional controls and line separators as <c>\uHHHH</c> (U+202E is <c>\u202e</c>).
/// Everything else, a backslash included, is left as it is, so ordinary text reads unchanged.
/// </summary>
public static class DisplayText
{
    /// <summary>Whether a terminal would act on this character or reorder text around it instead of printing it.</summary>
    public static bool IsUnsafe(char c)
        => c < 0x20 || (c >= 0x7F && c <= 0x9F)
           || c is '\u061C' or '\u200E' or '\u200F' or '\u2028' or '\u2029'
           || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');

    public static bool HasUnsafe(string? text)
    {
        if (text is null) return false;
        foreach (char c in text)
            if (IsUnsafe(c)) return true;
        return false;
    }

    /// <summary>The text with every unsafe character replaced by its visible escape; null stays null.</summary>
    public static string? Escape(string? text)
    {
        if (!HasUnsafe(text)) return text;
        var sb = new StringBuilder(text!.Length + 16);
        foreach (char c in text)
        {
            if (!IsUnsafe(c)) sb.Append(c);
            else if (c <= 0xFF) sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            else sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
