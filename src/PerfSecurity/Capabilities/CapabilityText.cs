using System.Text;
using PerfSecurity.Errors;

namespace PerfSecurity.Capabilities;

/// <summary>The three capability sets of a file or process, as libcap's text form describes them.</summary>
public readonly record struct CapabilityState(CapabilitySet Effective, CapabilitySet Permitted, CapabilitySet Inheritable)
{
    public static CapabilityState Empty => default;

    /// <summary>Parses libcap's text form (cap_from_text), e.g. "cap_perfmon,cap_syslog=ep cap_ipc_lock+i".</summary>
    public static CapabilityState Parse(string text) => CapabilityText.Parse(text);

    /// <summary>libcap's text form (cap_to_text) for the running kernel's capability count.</summary>
    public override string ToString() => CapabilityText.Format(this);
}

/// <summary>
/// libcap's capability text grammar: clauses of a name list and operator/flag pairs, applied left to right
/// (cap_from_text), and the shortest-base output form (cap_to_text).
/// </summary>
public static class CapabilityText
{
    // libcap's flag bits; their order decides the order of clauses in the output.
    private const int Eff = 1, Per = 2, Inh = 4;

    /// <summary>Parses with the running kernel's capability count deciding what "all" covers.</summary>
    public static CapabilityState Parse(string text) => Parse(text, CapabilityTable.KernelCapabilityCount);

    /// <summary>Parses with <paramref name="kernelCount"/> capabilities in "all" and in a clause without names.</summary>
    public static CapabilityState Parse(string text, int kernelCount)
    {
        if (text is null) throw Invalid("", "no text");
        ulong all = CapabilitySet.FirstN(kernelCount).Mask;
        ulong e = 0, p = 0, i = 0;
        int pos = 0;
        string s = text;
        char At(int k) => k < s.Length ? s[k] : '\0';

        while (true)
        {
            while (pos < s.Length && IsSpace(s[pos])) pos++;
            if (pos >= s.Length) return new CapabilityState(new(e), new(p), new(i));
            int clauseStart = pos;

            ulong list = 0;
            bool listed = false;
            if (char.IsAsciiLetterOrDigit(At(pos)) || At(pos) == '_')
            {
                while (true)
                {
                    int n = ReadName(s, ref pos, out bool isAll);
                    // libcap: "all" replaces the list so far (names before it beyond the kernel's count are dropped).
                    if (isAll) list = all;
                    else if (n < 0) throw Invalid(text, $"unknown capability at '{Fragment(s, clauseStart)}'");
                    else list |= 1UL << n;
                    if (At(pos) != ',') break;
                    pos++;
                    if (!(char.IsAsciiLetterOrDigit(At(pos)) || At(pos) == '_'))
                        throw Invalid(text, $"a name must follow ',' in '{Fragment(s, clauseStart)}'");
                }
                listed = true;
            }
            else if (At(pos) == '+' || At(pos) == '-')
            {
                throw Invalid(text, $"'{At(pos)}' needs a list of capabilities before it");
            }
            else
            {
                list = all;
            }

            char op = At(pos++);
            if (op == '=' && (At(pos) == '+' || At(pos) == '-'))
            {
                if (!listed) throw Invalid(text, "'=+' and '=-' need a list of capabilities");
                op = At(pos++) == '+' ? 'P' : 'M';
            }
            else if (op != '+' && op != '-' && op != '=')
            {
                throw Invalid(text, $"expected '=', '+' or '-' in '{Fragment(s, clauseStart)}'");
            }

            int flags = 0;
            do
            {
                char c = At(pos);
                if (c != '\0' && !IsSpace(c))
                {
                    pos++;
                    flags |= c switch
                    {
                        'e' => Eff,
                        'i' => Inh,
                        'p' => Per,
                        _ => throw Invalid(text, $"'{c}' is not a flag (flags are lower-case e, i, p) in '{Fragment(s, clauseStart)}'"),
                    };
                }
                else if (op != '=')
                {
                    throw Invalid(text, $"'{op switch { 'P' => "=+", 'M' => "=-", _ => op.ToString() }}' needs at least one flag (e, i, p) in '{Fragment(s, clauseStart)}'");
                }

                bool minus = op == '-';
                if (op is '=' or 'P' or 'M')
                {
                    e &= ~list; p &= ~list; i &= ~list;
                    minus = op == 'M';
                }
                if (minus)
                {
                    if ((flags & Eff) != 0) e &= ~list;
                    if ((flags & Per) != 0) p &= ~list;
                    if ((flags & Inh) != 0) i &= ~list;
                }
                else
                {
                    if ((flags & Eff) != 0) e |= list;
                    if ((flags & Per) != 0) p |= list;
                    if ((flags & Inh) != 0) i |= list;
                }

                if (At(pos) == '+' || At(pos) == '-')
                {
                    // libcap allows a second operator only after a list of names: "=p+e" is refused, "all=p+e" is not.
                    if (!listed) throw Invalid(text, $"a further '{At(pos)}' needs a list of capabilities at the start of '{Fragment(s, clauseStart)}' (write 'all=p+e', not '=p+e')");
                    if (flags == 0) throw Invalid(text, $"no flags before '{At(pos)}' in '{Fragment(s, clauseStart)}'");
                    flags = 0;
                    op = At(pos++);
                    if (!char.IsAsciiLetter(At(pos))) throw Invalid(text, $"'{op}' needs at least one flag (e, i, p) in '{Fragment(s, clauseStart)}'");
                }
            } while (At(pos) != '\0' && !IsSpace(At(pos)));
        }
    }

    // One name or number of a list; libcap reads names as letters and '_' only.
    private static int ReadName(string s, ref int pos, out bool isAll)
    {
        isAll = false;
        int start = pos;
        if (char.IsAsciiDigit(s[pos]))
        {
            // strtoul(…, 0): the longest valid prefix.
            ulong v = 0;
            int radix = 10;
            if (s[pos] == '0' && pos + 1 < s.Length && (s[pos + 1] == 'x' || s[pos + 1] == 'X')
                && pos + 2 < s.Length && CapabilityTable.HexDigit(s[pos + 2]) >= 0) { radix = 16; pos += 2; }
            else if (s[pos] == '0') radix = 8;
            while (pos < s.Length)
            {
                int d = CapabilityTable.HexDigit(s[pos]);
                if (d < 0 || d >= radix) break;
                v = Math.Min(v * (ulong)radix + (ulong)d, ulong.MaxValue / 64);
                pos++;
            }
            return v < CapabilityTable.MaxBits ? (int)v : -1;
        }
        while (pos < s.Length && (char.IsAsciiLetter(s[pos]) || s[pos] == '_')) pos++;
        // A name ends where libcap stops matching: a following letter, digit or '_' makes it a different word.
        if (pos < s.Length && char.IsAsciiDigit(s[pos])) return -1;
        string word = s[start..pos];
        if (word.Equals("all", StringComparison.OrdinalIgnoreCase)) { isAll = true; return -1; }
        if (!word.StartsWith("cap_", StringComparison.OrdinalIgnoreCase)) return -1;
        return CapabilityTable.TryParse(word, out int n) ? n : -1;
    }

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';

    private static string Fragment(string s, int start)
    {
        int end = start;
        while (end < s.Length && !IsSpace(s[end])) end++;
        return s[start..end];
    }

    private static PerfSecurityException Invalid(string text, string why)
        => new("PerfCapabilityInvalidText", FailureKind.InvalidArgument,
            $"'{text}' is not valid capability text: {why}. Write clauses such as 'cap_perfmon,cap_syslog=ep' or 'cap_ipc_lock+p'.", text);

    /// <summary>cap_to_text for the running kernel.</summary>
    public static string Format(CapabilityState state) => Format(state, CapabilityTable.KernelCapabilityCount);

    /// <summary>
    /// cap_to_text: the most common flag combination over the kernel's capabilities becomes the base clause;
    /// the other combinations follow as groups; capabilities the kernel lacks come last, numerically.
    /// </summary>
    public static string Format(CapabilityState state, int kernelCount)
    {
        int max = Math.Clamp(kernelCount, 0, CapabilityTable.MaxBits);
        int FlagsOf(int n)
            => (state.Effective.Contains(n) ? Eff : 0) | (state.Permitted.Contains(n) ? Per : 0) | (state.Inheritable.Contains(n) ? Inh : 0);

        var histogram = new int[8];
        for (int n = 0; n < max; n++) histogram[FlagsOf(n)]++;
        int m = 7;
        for (int t = 6; t >= 0; t--)
            if (histogram[t] >= histogram[m]) m = t;

        var sb = new StringBuilder();
        sb.Append('=').Append(Flags(m));
        int baseStart = 0;
        for (int t = 7; t >= 0; t--)
        {
            if (t == m || histogram[t] == 0) continue;
            sb.Append(' ');
            AppendNames(sb, Enumerable.Range(0, max).Where(n => FlagsOf(n) == t));
            int raise = t & ~m;
            if (raise != 0)
            {
                char op = '+';
                // "= names+flags" becomes "names=flags" when the base clears everything.
                if (sb[baseStart] == '=' && baseStart + 1 < sb.Length && sb[baseStart + 1] == ' ')
                {
                    baseStart += 2;
                    op = '=';
                }
                sb.Append(op).Append(Flags(raise));
            }
            int lower = ~t & m;
            if (lower != 0) sb.Append('-').Append(Flags(lower));
        }

        var rest = new int[8];
        for (int n = max; n < CapabilityTable.MaxBits; n++) rest[FlagsOf(n)]++;
        for (int t = 7; t >= 1; t--)
        {
            if (rest[t] == 0) continue;
            sb.Append(' ');
            AppendNames(sb, Enumerable.Range(max, CapabilityTable.MaxBits - max).Where(n => FlagsOf(n) == t));
            sb.Append('+').Append(Flags(t));
        }
        return sb.ToString(baseStart, sb.Length - baseStart);
    }

    private static void AppendNames(StringBuilder sb, IEnumerable<int> caps)
        => sb.Append(string.Join(",", caps.Select(CapabilityTable.NameOf)));

    private static string Flags(int f)
        => ((f & Eff) != 0 ? "e" : "") + ((f & Inh) != 0 ? "i" : "") + ((f & Per) != 0 ? "p" : "");
}
