namespace PerfSecurity.Resources;

/// <summary>C's strtoul/strtoull in base 10 (64-bit): leading white space, a sign, digits; "-n" wraps around.</summary>
public static class CNumber
{
    /// <summary>The value, how many characters were used (0: no number), and whether it overflowed (then ULONG_MAX).</summary>
    public static (ulong Value, int Consumed, bool Overflow) StrToULong(string s)
    {
        int i = 0;
        while (i < s.Length && s[i] is ' ' or (>= '\t' and <= '\r')) i++;
        bool negative = false;
        if (i < s.Length && s[i] is '+' or '-') { negative = s[i] == '-'; i++; }
        int digits = i;
        ulong value = 0;
        bool overflow = false;
        for (; i < s.Length && s[i] is >= '0' and <= '9'; i++)
        {
            ulong d = (ulong)(s[i] - '0');
            if (value > (ulong.MaxValue - d) / 10) overflow = true;
            else value = value * 10 + d;
        }
        if (i == digits) return (0, 0, false);
        if (overflow) return (ulong.MaxValue, i, true);
        return (negative ? unchecked(0UL - value) : value, i, false);
    }
}
