using System.Globalization;
using PerfSecurity.Errors;

namespace PerfSecurity.Counting;

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
