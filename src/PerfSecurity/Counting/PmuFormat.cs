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

/// <summary>A PMU of /sys/bus/event_source/devices: its type, format fields and event aliases.</summary>
public sealed class PmuInfo
{
    /// <summary>An event alias of the PMU's events/ folder: the terms it stands for, with its scale and unit.</summary>
    public sealed record NamedEvent(string Name, string Text, IReadOnlyList<EventTerm> Terms, double Scale, string? Unit);

    private PmuInfo(string name, uint type, Dictionary<string, PmuFormatField> formats, Dictionary<string, NamedEvent> events)
    {
        Name = name;
        Type = type;
        Formats = formats;
        Events = events;
    }

    public string Name { get; }
    public uint Type { get; }
    /// <summary>Format fields by name; perf compares these names exactly.</summary>
    public IReadOnlyDictionary<string, PmuFormatField> Formats { get; }
    /// <summary>Event aliases by name; perf compares these names ignoring case.</summary>
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

        var events = new Dictionary<string, NamedEvent>(StringComparer.OrdinalIgnoreCase);
        string eventDir = Path.Combine(directory, "events");
        if (Directory.Exists(eventDir))
        {
            foreach (string file in Directory.EnumerateFiles(eventDir).Order(StringComparer.Ordinal))
            {
                string ev = Path.GetFileName(file);
                if (IsInfoFile(ev)) continue;
                // perf reads at most 255 bytes of an alias; one it cannot parse is left out, as perf leaves it out.
                string? text = ReadOrNull(file);
                if (text is null || text.Length == 0) continue;
                if (text.Length > 255) text = text[..255].Trim();
                IReadOnlyList<EventTerm>? terms = EventResolver.ParseAliasTerms(text);
                if (terms is null) continue;
                double scale = double.TryParse(ReadOrNull(file + ".scale"), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) ? s : 1;
                string? unit = ReadOrNull(file + ".unit");
                events[ev] = new NamedEvent(ev, text, terms, scale, string.IsNullOrEmpty(unit) ? null : unit);
            }
        }
        return new PmuInfo(name, type, formats, events);
    }

    // The files beside an alias that describe it (pmu_alias_info_file); any other name, dots included, is an alias.
    private static readonly string[] InfoSuffixes = [".unit", ".scale", ".per-pkg", ".snapshot"];

    private static bool IsInfoFile(string name)
        => InfoSuffixes.Any(suffix => name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal));

    /// <summary>Every PMU under <paramref name="root"/>, by name; with <paramref name="skipBroken"/>, those with unreadable format files are left out, as perf leaves them out.</summary>
    public static IEnumerable<PmuInfo> LoadAll(string root = DefaultRoot, bool skipBroken = false)
    {
        if (!Directory.Exists(root)) yield break;
        foreach (string dir in Directory.EnumerateFileSystemEntries(root).Order(StringComparer.Ordinal))
        {
            PmuInfo? pmu;
            try { pmu = Load(dir); }
            catch (PerfSecurityException) when (skipBroken) { continue; }
            if (pmu is not null) yield return pmu;
        }
    }

    internal static string? ReadOrNull(string path)
        => IO.BoundedFile.TryReadAllText(path, IO.BoundedFile.KernelValueLimit)?.Trim();
}
