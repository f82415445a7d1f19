using System.Globalization;
using PerfSecurity.Errors;

namespace PerfSecurity.Counting;

/// <summary>
/// One sysfs format field, such as "config:0-7,32-35": the attr word it goes to and the bit ranges its value
/// is scattered over, low bits first.
/// </summary>
public sealed class PmuFormatField
{
    public PmuFormatField(string name, int word, IReadOnlyList<(int Low, int High)> ranges)
    {
        Name = name;
        Word = word;
        Ranges = ranges;
        Width = ranges.Sum(r => r.High - r.Low + 1);
    }

    public string Name { get; }
    /// <summary>0 = config, 1 = config1, 2 = config2, 3 = config3.</summary>
    public int Word { get; }
    public IReadOnlyList<(int Low, int High)> Ranges { get; }
    public int Width { get; }

    public static PmuFormatField Parse(string name, string text)
    {
        text = text.Trim();
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0) throw Bad(name, text);
        int word = text[..colon] switch
        {
            "config" => 0,
            "config1" => 1,
            "config2" => 2,
            "config3" => 3,
            _ => throw Bad(name, text),
        };
        var ranges = new List<(int, int)>();
        foreach (string part in text[(colon + 1)..].Split(','))
        {
            string[] ends = part.Trim().Split('-');
            if (ends.Length is < 1 or > 2
                || !int.TryParse(ends[0], NumberStyles.None, CultureInfo.InvariantCulture, out int low)
                || !int.TryParse(ends[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int high)
                || low > high || high > 63)
                throw Bad(name, text);
            ranges.Add((low, high));
        }
        return new PmuFormatField(name, word, ranges);
    }

    /// <summary>ORs <paramref name="value"/> into the configs; a value wider than the field is an error.</summary>
    public void Apply(ulong value, ulong[] configs, string eventText)
    {
        if (Width < 64 && value >> Width != 0)
            throw new PerfSecurityException("PerfEventValueTooLarge", FailureKind.InvalidArgument,
                $"In '{eventText}', {Name}=0x{value:x} does not fit the field's {Width} bits.", eventText);
        int consumed = 0;
        foreach (var (low, high) in Ranges)
        {
            for (int bit = low; bit <= high; bit++, consumed++)
            {
                if ((value >> consumed & 1) != 0) configs[Word] |= 1UL << bit;
            }
        }
    }

    private static PerfSecurityException Bad(string name, string text)
        => new("PerfEventBadFormatFile", FailureKind.InvalidData, $"The PMU format field '{name}' has unreadable contents '{text}'.", name);
}
