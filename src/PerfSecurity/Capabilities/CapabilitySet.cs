using System.Globalization;
using System.Numerics;
using PerfSecurity.Errors;

namespace PerfSecurity.Capabilities;

/// <summary>A set of capabilities as the kernel stores it: bit n of a 64-bit mask is capability n.</summary>
public readonly struct CapabilitySet : IEquatable<CapabilitySet>
{
    public CapabilitySet(ulong mask) => Mask = mask;

    public ulong Mask { get; }

    public static CapabilitySet Empty => default;

    /// <summary>Every capability the running kernel has (what libcap's "all" means).</summary>
    public static CapabilitySet All => FirstN(CapabilityTable.KernelCapabilityCount);

    /// <summary>Capabilities 0..n-1.</summary>
    public static CapabilitySet FirstN(int n) => new(n >= 64 ? ulong.MaxValue : (1UL << n) - 1);

    public static CapabilitySet Of(params int[] caps)
    {
        ulong m = 0;
        foreach (int c in caps)
        {
            if (c < 0 || c >= CapabilityTable.MaxBits) throw new ArgumentOutOfRangeException(nameof(caps), c, "Capability numbers are 0 to 63.");
            m |= 1UL << c;
        }
        return new CapabilitySet(m);
    }

    public bool IsEmpty => Mask == 0;
    public int Count => BitOperations.PopCount(Mask);
    public bool Contains(int cap) => cap >= 0 && cap < 64 && (Mask & (1UL << cap)) != 0;
    public CapabilitySet With(int cap) => new(Mask | Of(cap).Mask);
    public CapabilitySet Without(int cap) => new(Mask & ~Of(cap).Mask);
    public CapabilitySet Union(CapabilitySet other) => new(Mask | other.Mask);
    public CapabilitySet Intersect(CapabilitySet other) => new(Mask & other.Mask);
    public CapabilitySet Except(CapabilitySet other) => new(Mask & ~other.Mask);
    public bool IsSubsetOf(CapabilitySet other) => (Mask & ~other.Mask) == 0;

    /// <summary>The capability numbers, ascending.</summary>
    public IEnumerable<int> Numbers()
    {
        for (int i = 0; i < 64; i++)
            if ((Mask & (1UL << i)) != 0) yield return i;
    }

    /// <summary>libcap names, ascending by number; numbers without a name stay numbers.</summary>
    public string[] Names()
    {
        // Few distinct masks occur (process listings repeat "all" and "none"), so names are built once per mask;
        // callers get their own copy because arrays are mutable.
        if (!NameCache.TryGetValue(Mask, out string[]? names))
        {
            names = new string[BitOperations.PopCount(Mask)];
            int k = 0;
            for (int i = 0; i < 64; i++)
                if ((Mask & (1UL << i)) != 0) names[k++] = CapabilityTable.NameOf(i);
            if (NameCache.Count < 1024) NameCache.TryAdd(Mask, names);
        }
        return names.Length == 0 ? Array.Empty<string>() : (string[])names.Clone();
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<ulong, string[]> NameCache = new();

    /// <summary>The /proc/&lt;pid&gt;/status form: 16 lower-case hex digits.</summary>
    public string ToHex() => Mask.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>capsh --decode's line: 0x&lt;16 hex&gt;=name,name,…</summary>
    public string ToDecodeText() => "0x" + ToHex() + "=" + string.Join(",", Names());

    public override string ToString() => string.Join(",", Names());

    /// <summary>A set from names or numbers (see <see cref="CapabilityTable.TryParse"/>); each item may hold a comma list; "all" is every kernel capability.</summary>
    public static CapabilitySet Parse(IEnumerable<string> items)
    {
        ulong m = 0;
        foreach (string item in items)
        {
            if (item is null) continue;
            foreach (string part in item.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (part.Equals("all", StringComparison.OrdinalIgnoreCase)) m |= All.Mask;
                else m |= 1UL << CapabilityTable.Parse(part);
            }
        }
        return new CapabilitySet(m);
    }

    public static CapabilitySet Parse(string item) => Parse(new[] { item });

    /// <summary>
    /// A mask as /proc prints it (16 hex digits), with an optional 0x, or a decimal number when <paramref name="decimalIfPlain"/>.
    /// </summary>
    public static CapabilitySet ParseMask(string text, bool decimalIfPlain = false)
    {
        string s = text.Trim();
        bool hex = !decimalIfPlain;
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) { s = s[2..]; hex = true; }
        if (s.Length == 0 || s.Length > (hex ? 16 : 20)
            || !ulong.TryParse(s, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out ulong mask))
            throw new PerfSecurityException("PerfCapabilityInvalidMask", FailureKind.InvalidArgument,
                $"'{text}' is not a capability mask. Give 1 to 16 hex digits as in /proc/<pid>/status (0000004000000000), optionally with 0x, as capsh --decode reads them.", text);
        return new CapabilitySet(mask);
    }

    public bool Equals(CapabilitySet other) => Mask == other.Mask;
    public override bool Equals(object? obj) => obj is CapabilitySet o && Equals(o);
    public override int GetHashCode() => Mask.GetHashCode();
    public static bool operator ==(CapabilitySet a, CapabilitySet b) => a.Mask == b.Mask;
    public static bool operator !=(CapabilitySet a, CapabilitySet b) => a.Mask != b.Mask;
    public static CapabilitySet operator |(CapabilitySet a, CapabilitySet b) => a.Union(b);
    public static CapabilitySet operator &(CapabilitySet a, CapabilitySet b) => a.Intersect(b);
}
