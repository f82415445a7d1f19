namespace PerfSecurity.Settings;

/// <summary>
/// How the kernel reads a write to an integer sysctl (kernel/sysctl.c: __do_proc_dointvec, proc_get_long,
/// strtoul_lenient): leading white space, an optional '-', a number in C notation (0x hex, leading 0 octal),
/// then white space or the end. A one-value sysctl ignores what follows the first number ("1 2" is 1).
/// </summary>
public static class ProcInt
{
    // TMPBUFLEN in kernel/sysctl.c: a number (with sign and prefix) must be shorter than 21 characters.
    private const int TmpBufLen = 22;

    /// <summary>
    /// The value the kernel stores when <paramref name="written"/> is written to a proc_dointvec sysctl, or null
    /// when it refuses the write (EINVAL). <paramref name="min"/>/<paramref name="max"/> are the bounds of a
    /// proc_dointvec_minmax sysctl.
    /// </summary>
    public static int? Parse(ReadOnlySpan<byte> written, int min = int.MinValue, int max = int.MaxValue)
    {
        // The kernel copies at most a page less one byte.
        int left = Math.Min(written.Length, Environment.SystemPageSize - 1);
        var p = written[..left];
        int i = 0;
        while (i < p.Length && IsSpace(p[i])) i++;
        if (i == p.Length) return null; // no number at all
        p = p[i..];

        // proc_get_long works on a copy of at most 21 bytes.
        var tmp = p[..Math.Min(p.Length, TmpBufLen - 1)];
        int k = 0;
        bool negative = false;
        if (tmp[0] == '-' && p.Length > 1) { negative = true; k = 1; }
        if (k >= tmp.Length || !IsDigit(tmp[k])) return null;

        // _parse_integer_fixup_radix with base 0.
        int radix = 10;
        if (tmp[k] == '0')
        {
            if (k + 2 < tmp.Length && (tmp[k + 1] | 0x20) == 'x' && IsHexDigit(tmp[k + 2])) { radix = 16; k += 2; }
            else radix = 8;
        }
        ulong value = 0;
        for (; k < tmp.Length; k++)
        {
            int d = DigitValue(tmp[k]);
            if (d < 0 || d >= radix) break;
            if (value > (ulong.MaxValue - (ulong)d) / (ulong)radix) return null; // overflow: ERANGE, refused
            value = value * (ulong)radix + (ulong)d;
        }
        if (k == TmpBufLen - 1) return null;
        if (k < p.Length && p[k] is not ((byte)' ' or (byte)'\t' or (byte)'\n')) return null;

        // do_proc_dointvec_conv
        long result;
        if (negative)
        {
            if (value > (ulong)int.MaxValue + 1) return null;
            result = -(long)value;
        }
        else
        {
            if (value > int.MaxValue) return null;
            result = (long)value;
        }
        if (result < min || result > max) return null;
        return (int)result;
    }

    /// <summary>The kernel's isspace (lib/ctype.c): \t \n \v \f \r, space, and Latin-1 no-break space (0xA0).</summary>
    public static bool IsSpace(byte c) => c is (byte)' ' or (>= 9 and <= 13) or 0xA0;

    private static bool IsDigit(byte c) => c is >= (byte)'0' and <= (byte)'9';

    private static bool IsHexDigit(byte c) => DigitValue(c) is >= 0 and < 16;

    private static int DigitValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}
