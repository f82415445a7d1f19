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

/// <summary>A PMU of /sys/bus/event_source/devices: its type, format fields and named events.</summary>
public sealed class PmuInfo
{
    public sealed record NamedEvent(string Name, string Terms, double Scale, string? Unit);

    private PmuInfo(string name, uint type, Dictionary<string, PmuFormatField> formats, Dictionary<string, NamedEvent> events)
    {
        Name = name;
        Type = type;
        Formats = formats;
        Events = events;
    }

    public string Name { get; }
    public uint Type { get; }
    public IReadOnlyDictionary<string, PmuFormatField> Formats { get; }
    public IReadOnlyDictionary<string, NamedEvent> Events { get; }

    public const string DefaultRoot = "/sys/bus/event_source/devices";

    /// <summary>The PMU at <paramref name="directory"/>, or null when it has no readable type.</summary>
    public static PmuInfo? Load(string directory)
    {
        string name = Path.GetFileName(directory.TrimEnd('/'));
        string? typeText = ReadOrNull(Path.Combine(directory, "type"));
        if (typeText is null || !uint.TryParse(typeText, NumberStyles.None, CultureInfo.InvariantCulture, out uint type)) return null;

        var formats = new Dictionary<string, PmuFormatField>(StringComparer.Ordinal);
        string formatDir = Path.Combine(directory, "format");
        if (Directory.Exists(formatDir))
        {
            foreach (string file in Directory.EnumerateFiles(formatDir).Order(StringComparer.Ordinal))
            {
                string? text = ReadOrNull(file);
                if (text is not null) formats[Path.GetFileName(file)] = PmuFormatField.Parse(Path.GetFileName(file), text);
            }
        }

        var events = new Dictionary<string, NamedEvent>(StringComparer.Ordinal);
        string eventDir = Path.Combine(directory, "events");
        if (Directory.Exists(eventDir))
        {
            foreach (string file in Directory.EnumerateFiles(eventDir).Order(StringComparer.Ordinal))
            {
                string ev = Path.GetFileName(file);
                if (ev.Contains('.', StringComparison.Ordinal)) continue; // .scale, .unit, .per-pkg, .snapshot
                string? terms = ReadOrNull(file);
                if (terms is null) continue;
                double scale = double.TryParse(ReadOrNull(file + ".scale"), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) ? s : 1;
                string? unit = ReadOrNull(file + ".unit");
                events[ev] = new NamedEvent(ev, terms, scale, string.IsNullOrEmpty(unit) ? null : unit);
            }
        }
        return new PmuInfo(name, type, formats, events);
    }

    /// <summary>Every PMU under <paramref name="root"/>, by name.</summary>
    public static IEnumerable<PmuInfo> LoadAll(string root = DefaultRoot)
    {
        if (!Directory.Exists(root)) yield break;
        foreach (string dir in Directory.EnumerateFileSystemEntries(root).Order(StringComparer.Ordinal))
        {
            PmuInfo? pmu = Load(dir);
            if (pmu is not null) yield return pmu;
        }
    }

    internal static string? ReadOrNull(string path)
    {
        try { return File.Exists(path) ? File.ReadAllText(path).Trim() : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
