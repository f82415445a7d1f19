using System.Buffers;

namespace PerfSecurity.Settings;

/// <summary>
/// glob(3) matching of a sysctl key pattern against one existing key, component by component: '*' and '?'
/// never match '/', a leading '.' must be matched literally, '[...]' classes with '!'/'^' and ranges,
/// and '\' quotes the next character.
/// </summary>
public static class SysctlGlob
{
    /// <summary>The characters systemd and procps take as "this key is a pattern".</summary>
    private static readonly SearchValues<char> Wildcards = SearchValues.Create("*?[");

    public static bool IsPattern(string key) => key.AsSpan().IndexOfAny(Wildcards) >= 0;

    /// <summary>Whether the slash-separated <paramref name="pattern"/> names <paramref name="path"/> (both relative to /proc/sys).</summary>
    public static bool Matches(string pattern, string path)
    {
        string[] p = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string[] k = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (p.Length != k.Length) return false;
        for (int i = 0; i < p.Length; i++)
            if (!MatchComponent(p[i], 0, k[i], 0)) return false;
        return true;
    }

    private static bool MatchComponent(string p, int pi, string s, int si)
    {
        while (pi < p.Length)
        {
            char c = p[pi];
            if (c == '*')
            {
                if (si == 0 && s.Length > 0 && s[0] == '.') return false; // FNM_PERIOD
                while (pi < p.Length && p[pi] == '*') pi++;
                if (pi == p.Length) return true;
                for (int j = si; j <= s.Length; j++)
                    if (MatchComponent(p, pi, s, j)) return true;
                return false;
            }
            if (si >= s.Length) return false;
            if (c == '?')
            {
                if (si == 0 && s[0] == '.') return false;
                pi++; si++;
                continue;
            }
            if (c == '[' && TryClass(p, pi, s[si], out bool inClass, out int next))
            {
                if (!inClass || (si == 0 && s[0] == '.')) return false;
                pi = next; si++;
                continue;
            }
            if (c == '\\' && pi + 1 < p.Length) { pi++; c = p[pi]; }
            if (c != s[si]) return false;
            pi++; si++;
        }
        return si == s.Length;
    }

    // A bracket expression at p[start]; false when it is not closed (then '[' is a literal character).
    private static bool TryClass(string p, int start, char ch, out bool matched, out int next)
    {
        matched = false;
        next = start;
        int i = start + 1;
        bool negate = i < p.Length && (p[i] == '!' || p[i] == '^');
        if (negate) i++;
        bool any = false;
        bool first = true;
        while (i < p.Length && (p[i] != ']' || first))
        {
            first = false;
            char lo = p[i];
            if (lo == '\\' && i + 1 < p.Length) lo = p[++i];
            char hi = lo;
            if (i + 2 < p.Length && p[i + 1] == '-' && p[i + 2] != ']')
            {
                hi = p[i + 2];
                if (hi == '\\' && i + 3 < p.Length) { hi = p[i + 3]; i++; }
                i += 2;
            }
            if (ch >= lo && ch <= hi) any = true;
            i++;
        }
        if (i >= p.Length) return false;
        matched = any != negate;
        next = i + 1;
        return true;
    }
}
