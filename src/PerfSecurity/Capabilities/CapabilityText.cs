using System.Text;
using PerfSecurity.Errors;

namespace PerfSecurity.Capabilities;

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
        var sets = new Sets();
        var c = new Cursor(text);
        // Clauses separated by white space, each "list op flags [op flags]...", applied left to right.
        while (true)
        {
            while (!c.AtEnd && IsSpace(c.Peek)) c.Pos++;
            if (c.AtEnd) return new CapabilityState(new(sets.E), new(sets.P), new(sets.I));
            int clauseStart = c.Pos;
            ulong list = ReadList(ref c, all, clauseStart, out bool listed);
            char op = ReadOperator(ref c, listed, clauseStart);
            ReadActions(ref c, ref sets, list, op, listed, clauseStart);
        }
    }

    /// <summary>The effective, permitted and inheritable masks built up clause by clause.</summary>
    private struct Sets
    {
        public ulong E, P, I;
    }

    /// <summary>A position in the text; reading past the end gives '\0', as libcap reads its C string.</summary>
    private struct Cursor
    {
        public Cursor(string text) { Text = text; Pos = 0; }
        public readonly string Text;
        public int Pos;
        public readonly bool AtEnd => Pos >= Text.Length;
        public readonly char Peek => Pos < Text.Length ? Text[Pos] : '\0';
        public char Next() { char ch = Peek; Pos++; return ch; }
        /// <summary>The clause from <paramref name="start"/> to the next white space, for messages.</summary>
        public readonly string Fragment(int start) => CapabilityText.Fragment(Text, start);
    }

    private static bool StartsName(char ch) => char.IsAsciiLetterOrDigit(ch) || ch == '_';

    /// <summary>
    /// The capabilities a clause names: a comma list of names and numbers, or every capability of the kernel when
    /// the clause starts with its operator. <paramref name="listed"/> tells which.
    /// </summary>
    private static ulong ReadList(ref Cursor c, ulong all, int clauseStart, out bool listed)
    {
        listed = false;
        if (c.Peek is '+' or '-') throw Invalid(c.Text, $"'{c.Peek}' needs a list of capabilities before it");
        if (!StartsName(c.Peek)) return all;
        ulong list = 0;
        while (true)
        {
            int n = ReadName(c.Text, ref c.Pos, out bool isAll);
            // libcap: "all" replaces the list so far (names before it beyond the kernel's count are dropped).
            if (isAll) list = all;
            else if (n < 0) throw Invalid(c.Text, $"unknown capability at '{c.Fragment(clauseStart)}'");
            else list |= 1UL << n;
            if (c.Peek != ',') break;
            c.Pos++;
            if (!StartsName(c.Peek)) throw Invalid(c.Text, $"a name must follow ',' in '{c.Fragment(clauseStart)}'");
        }
        listed = true;
        return list;
    }

    /// <summary>The first operator: '=', '+', '-', or 'P' for "=+" and 'M' for "=-" (which need a list).</summary>
    private static char ReadOperator(ref Cursor c, bool listed, int clauseStart)
    {
        char op = c.Next();
        if (op == '=' && c.Peek is '+' or '-')
        {
            if (!listed) throw Invalid(c.Text, "'=+' and '=-' need a list of capabilities");
            return c.Next() == '+' ? 'P' : 'M';
        }
        if (op is not ('+' or '-' or '=')) throw Invalid(c.Text, $"expected '=', '+' or '-' in '{c.Fragment(clauseStart)}'");
        return op;
    }

    /// <summary>
    /// The flags after the operator, applied to the list one by one as libcap does, and any further operator with
    /// its flags ("cap_x=p+e"), up to the end of the clause.
    /// </summary>
    private static void ReadActions(ref Cursor c, ref Sets sets, ulong list, char op, bool listed, int clauseStart)
    {
        int flags = 0;
        do
        {
            char ch = c.Peek;
            if (ch != '\0' && !IsSpace(ch))
            {
                c.Pos++;
                flags |= ch switch
                {
                    'e' => Eff,
                    'i' => Inh,
                    'p' => Per,
                    _ => throw Invalid(c.Text, $"'{ch}' is not a flag (flags are lower-case e, i, p) in '{c.Fragment(clauseStart)}'"),
                };
            }
            else if (op != '=')
            {
                throw Invalid(c.Text, $"'{op switch { 'P' => "=+", 'M' => "=-", _ => op.ToString() }}' needs at least one flag (e, i, p) in '{c.Fragment(clauseStart)}'");
            }
            Apply(ref sets, list, op, flags);

            if (c.Peek is '+' or '-')
            {
                // libcap allows a second operator only after a list of names: "=p+e" is refused, "all=p+e" is not.
                if (!listed) throw Invalid(c.Text, $"a further '{c.Peek}' needs a list of capabilities at the start of '{c.Fragment(clauseStart)}' (write 'all=p+e', not '=p+e')");
                if (flags == 0) throw Invalid(c.Text, $"no flags before '{c.Peek}' in '{c.Fragment(clauseStart)}'");
                flags = 0;
                op = c.Next();
                if (!char.IsAsciiLetter(c.Peek)) throw Invalid(c.Text, $"'{op}' needs at least one flag (e, i, p) in '{c.Fragment(clauseStart)}'");
            }
        } while (c.Peek != '\0' && !IsSpace(c.Peek));
    }

    /// <summary>One operator with the flags read so far: '=' (and "=+", "=-") first clears the list from every set.</summary>
    private static void Apply(ref Sets sets, ulong list, char op, int flags)
    {
        bool minus = op == '-';
        if (op is '=' or 'P' or 'M')
        {
            sets.E &= ~list; sets.P &= ~list; sets.I &= ~list;
            minus = op == 'M';
        }
        if (minus)
        {
            if ((flags & Eff) != 0) sets.E &= ~list;
            if ((flags & Per) != 0) sets.P &= ~list;
            if ((flags & Inh) != 0) sets.I &= ~list;
        }
        else
        {
            if ((flags & Eff) != 0) sets.E |= list;
            if ((flags & Per) != 0) sets.P |= list;
            if ((flags & Inh) != 0) sets.I |= list;
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
