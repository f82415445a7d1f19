using System.Globalization;
using System.Text.RegularExpressions;
using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.Counting;

/// <summary>
/// Turns event strings as perf writes them into attributes: generic names with u/k/h modifiers
/// ("page-faults:u"), PMU terms ("msr/tsc/", "cpu/event=0x3c,umask=0x00/k"), tracepoints ("sched:sched_switch")
/// and raw codes ("r003c").
/// </summary>
public sealed partial class EventResolver
{
    private readonly string _pmuRoot;
    private readonly Func<string?> _tracefs;
    private readonly Dictionary<string, PmuInfo?> _pmus = new(StringComparer.Ordinal);

    public EventResolver(string pmuRoot = PmuInfo.DefaultRoot, string? tracefs = null)
    {
        _pmuRoot = pmuRoot;
        _tracefs = tracefs is null ? () => Tracefs.Locate() : () => tracefs;
    }

    public EventDefinition Resolve(string text)
    {
        string s = (text ?? "").Trim();
        if (s.Length == 0) throw Syntax(text ?? "", "the event string is empty");
        if (s.Contains('/', StringComparison.Ordinal)) return ResolvePmu(s);

        string[] parts = s.Split(':');
        if (parts.Any(p => p.Length == 0)) throw Syntax(s, "an empty part between colons");
        switch (parts.Length)
        {
            case 1:
                return ResolveGeneric(s, parts[0], null)
                    ?? ResolveRaw(s, parts[0], null)
                    ?? throw NotFound(s, $"'{s}' is not a known event. Get-PerfEvent lists the events of this machine; tracepoints are written subsystem:event.");
            case 2:
                if (GenericEvents.Find(parts[0]) is not null || RawPattern().IsMatch(parts[0]))
                    return ResolveGeneric(s, parts[0], parts[1]) ?? ResolveRaw(s, parts[0], parts[1])!;
                return ResolveTracepoint(s, parts[0], parts[1], null);
            case 3:
                return ResolveTracepoint(s, parts[0], parts[1], parts[2]);
            default:
                throw Syntax(s, "too many colons");
        }
    }

    private static EventDefinition? ResolveGeneric(string text, string name, string? modifiers)
    {
        GenericEvents.Generic? g = GenericEvents.Find(name);
        if (g is null) return null;
        return WithModifiers(new EventDefinition { Name = text, Kind = g.Kind, Type = g.Type, Config = g.Config, Unit = IsClockName(g) ? "ns" : null }, modifiers, text);
    }

    private static bool IsClockName(GenericEvents.Generic g)
        => g.Type == PerfEvents.TypeSoftware && g.Config is GenericEvents.SwCpuClock or GenericEvents.SwTaskClock;

    private static EventDefinition? ResolveRaw(string text, string name, string? modifiers)
    {
        if (!RawPattern().IsMatch(name)) return null;
        ulong config = ulong.Parse(name.AsSpan(1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        return WithModifiers(new EventDefinition { Name = text, Kind = PerfEventType.Hardware, Type = PerfEvents.TypeRaw, Config = config }, modifiers, text);
    }

    private EventDefinition ResolveTracepoint(string text, string subsystem, string name, string? modifiers)
    {
        if (!TracepointPart().IsMatch(subsystem) || !TracepointPart().IsMatch(name))
            throw Syntax(text, "tracepoints are written subsystem:event with letters, digits and _ only");
        string? root = _tracefs();
        if (root is null)
            throw new PerfSecurityException("PerfEventTracefsNotMounted", FailureKind.ResourceUnavailable,
                $"'{text}' is a tracepoint, but tracefs is not mounted (neither /sys/kernel/tracing nor /sys/kernel/debug/tracing). Mount it as root: mount -t tracefs nodev /sys/kernel/tracing", text);
        string dir = Path.Combine(root, "events", subsystem, name);
        string idFile = Path.Combine(dir, "id");
        string idText;
        try
        {
            idText = File.ReadAllText(idFile).Trim();
        }
        catch (UnauthorizedAccessException)
        {
            throw new PerfSecurityException("PerfEventTracepointUnreadable", FailureKind.PermissionDenied,
                $"The id of tracepoint '{subsystem}:{name}' cannot be read: {idFile} is readable by root only (tracefs permissions). Run as root, or have the administrator grant read access to tracefs.", text);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            string hint = Directory.Exists(Path.Combine(root, "events", subsystem))
                ? $"the subsystem '{subsystem}' has no event '{name}'"
                : $"there is no tracepoint subsystem '{subsystem}'";
            throw NotFound(text, $"'{text}' is not a tracepoint of this kernel: {hint} in {Path.Combine(root, "events")}.");
        }
        if (!ulong.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out ulong id))
            throw new PerfSecurityException("PerfEventBadTracepointId", FailureKind.InvalidData, $"{idFile} holds '{idText}', not a number.", text);
        return WithModifiers(new EventDefinition { Name = text, Kind = PerfEventType.Tracepoint, Type = PerfEvents.TypeTracepoint, Config = id, Pmu = "tracepoint" }, modifiers, text);
    }

    private EventDefinition ResolvePmu(string text)
    {
        Match m = PmuPattern().Match(text);
        if (!m.Success) throw Syntax(text, "PMU events are written pmu/term,term=value/ with optional u, k, h modifiers after the last slash");
        string pmuName = m.Groups["pmu"].Value;
        PmuInfo pmu = GetPmu(pmuName)
            ?? throw NotFound(text, $"There is no PMU '{pmuName}' on this machine. PMUs: {string.Join(", ", PmuInfo.LoadAll(_pmuRoot).Select(p => p.Name))}.");
        var configs = new ulong[4];
        double scale = 1;
        string? unit = null;
        string terms = m.Groups["terms"].Value;
        if (terms.Trim().Length == 0) throw Syntax(text, "no terms between the slashes");
        ApplyTerms(text, pmu, terms, configs, ref scale, ref unit, allowEventNames: true);
        string? modifiers = m.Groups["mods"].Success && m.Groups["mods"].Length > 0 ? m.Groups["mods"].Value : null;
        var def = new EventDefinition
        {
            Name = text, Kind = PerfEventType.Pmu, Type = pmu.Type, Pmu = pmu.Name,
            Config = configs[0], Config1 = configs[1], Config2 = configs[2], Config3 = configs[3], Scale = scale, Unit = unit,
        };
        return WithModifiers(def, modifiers, text);
    }

    private static void ApplyTerms(string text, PmuInfo pmu, string terms, ulong[] configs, ref double scale, ref string? unit, bool allowEventNames)
    {
        foreach (string raw in terms.Split(','))
        {
            string term = raw.Trim();
            if (term.Length == 0) throw Syntax(text, "an empty term");
            int eq = term.IndexOf('=', StringComparison.Ordinal);
            string key = eq < 0 ? term : term[..eq].Trim();
            string? valueText = eq < 0 ? null : term[(eq + 1)..].Trim();
            if (valueText == "?")
                throw new PerfSecurityException("PerfEventTermNeedsValue", FailureKind.InvalidArgument,
                    $"In '{text}', the term '{key}' needs a value (the PMU marks it =?).", text);
            ulong value = valueText is null ? 1 : ParseNumber(text, key, valueText);

            int word = key switch { "config" => 0, "config1" => 1, "config2" => 2, "config3" => 3, _ => -1 };
            if (word >= 0) { configs[word] |= value; continue; }
            if (pmu.Formats.TryGetValue(key, out PmuFormatField? field)) { field.Apply(value, configs, text); continue; }
            if (valueText is null && allowEventNames && pmu.Events.TryGetValue(key, out PmuInfo.NamedEvent? named))
            {
                ApplyTerms(text, pmu, named.Terms, configs, ref scale, ref unit, allowEventNames: false);
                scale = named.Scale;
                unit = named.Unit;
                continue;
            }
            string known = string.Join(", ", pmu.Formats.Keys.Concat(pmu.Events.Keys));
            throw new PerfSecurityException("PerfEventUnknownTerm", FailureKind.ObjectNotFound,
                $"In '{text}', '{key}' is neither a format field nor an event of PMU '{pmu.Name}'. Known: {(known.Length > 0 ? known : "(none)")}.", text);
        }
    }

    private static ulong ParseNumber(string text, string key, string valueText)
    {
        bool ok = valueText.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(valueText.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong v)
            : ulong.TryParse(valueText, NumberStyles.None, CultureInfo.InvariantCulture, out v);
        if (!ok) throw Syntax(text, $"'{valueText}' (for {key}) is not a decimal or 0x hexadecimal number");
        return v;
    }

    private PmuInfo? GetPmu(string name)
    {
        if (!_pmus.TryGetValue(name, out PmuInfo? pmu))
            _pmus[name] = pmu = PmuInfo.Load(Path.Combine(_pmuRoot, name));
        return pmu;
    }

    /// <summary>perf's modifiers: naming any of u, k, h excludes the privilege levels not named.</summary>
    private static EventDefinition WithModifiers(EventDefinition def, string? modifiers, string text)
    {
        if (modifiers is null) return def;
        if (!ModifierPattern().IsMatch(modifiers))
            throw new PerfSecurityException("PerfEventBadModifier", FailureKind.InvalidArgument,
                $"'{modifiers}' in '{text}' is not a modifier: use u (user), k (kernel) and h (hypervisor), such as :u or :uk.", text);
        return def with
        {
            ExcludeUser = !modifiers.Contains('u', StringComparison.Ordinal),
            ExcludeKernel = !modifiers.Contains('k', StringComparison.Ordinal),
            ExcludeHv = !modifiers.Contains('h', StringComparison.Ordinal),
            HasModifiers = true,
        };
    }

    private static PerfSecurityException Syntax(string text, string why)
        => new("PerfEventSyntax", FailureKind.InvalidArgument, $"'{text}' is not a valid event string: {why}.", text);

    private static PerfSecurityException NotFound(string text, string message)
        => new("PerfEventNotFound", FailureKind.ObjectNotFound, message, text);

    [GeneratedRegex(@"^[ukh]+$")]
    private static partial Regex ModifierPattern();

    [GeneratedRegex(@"^r[0-9a-fA-F]{1,16}$")]
    private static partial Regex RawPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_]+$")]
    private static partial Regex TracepointPart();

    [GeneratedRegex(@"^(?<pmu>[A-Za-z0-9_.\-]+)/(?<terms>[^/]*)/(?<mods>[A-Za-z]*)$")]
    private static partial Regex PmuPattern();
}
