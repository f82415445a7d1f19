using System.Globalization;
using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.Counting;

/// <summary>The events of this machine: generic, dynamic PMU (sysfs) and tracepoints (tracefs).</summary>
public static class EventCatalog
{
    public static IEnumerable<EventInfo> Generic(PerfEventType kind)
        => GenericEvents.All.Where(g => g.Kind == kind).Select(g => new EventInfo(g.Name, g.Aliases, g.Kind,
            g.Kind == PerfEventType.Software ? "software" : "cpu", g.Type, g.Config, 0, 0, 0, g.Description,
            g.Type == PerfEvents.TypeSoftware && g.Config <= GenericEvents.SwTaskClock ? "ns" : null, 1, null));

    /// <summary>Named events of every PMU under <paramref name="root"/>, written pmu/event/ as perf does.</summary>
    public static IEnumerable<EventInfo> Pmu(string root = PmuInfo.DefaultRoot)
    {
        var resolver = new EventResolver(root, tracefs: "");
        foreach (PmuInfo pmu in PmuInfo.LoadAll(root))
        {
            foreach (PmuInfo.NamedEvent named in pmu.Events.Values)
            {
                string name = $"{pmu.Name}/{named.Name}/";
                EventDefinition def;
                try { def = resolver.Resolve(name); }
                catch (PerfSecurityException) { continue; } // an event needing a value (=?) has no fixed encoding
                yield return FromDefinition(def, $"{pmu.Name} PMU event {named.Name} ({named.Terms})");
            }
        }
    }

    public static IEnumerable<string> TracepointSubsystems(string tracefs)
    {
        string events = Path.Combine(tracefs, "events");
        try
        {
            return Directory.EnumerateDirectories(events).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        }
        catch (UnauthorizedAccessException)
        {
            throw new PerfSecurityException("PerfEventTracepointUnreadable", FailureKind.PermissionDenied,
                $"{events} is readable by root only (tracefs permissions): tracepoints cannot be listed. Run as root.", events);
        }
    }

    public static IEnumerable<EventInfo> Tracepoints(string tracefs, string subsystem)
    {
        string dir = Path.Combine(tracefs, "events", subsystem);
        List<string> names;
        try { names = Directory.EnumerateDirectories(dir).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList(); }
        catch (Exception e) when (e is UnauthorizedAccessException or DirectoryNotFoundException) { yield break; }
        foreach (string name in names)
        {
            string? id = PmuInfo.ReadOrNull(Path.Combine(dir, name, "id"));
            if (id is null || !ulong.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out ulong config)) continue;
            yield return new EventInfo($"{subsystem}:{name}", Array.Empty<string>(), PerfEventType.Tracepoint, "tracepoint",
                PerfEvents.TypeTracepoint, config, 0, 0, 0, $"Tracepoint {name} of {subsystem}", null, 1, null);
        }
    }

    public static EventInfo FromDefinition(EventDefinition def, string? description = null)
        => new(def.Name, Array.Empty<string>(), def.Kind, def.Pmu.Length > 0 ? def.Pmu : def.Kind == PerfEventType.Software ? "software" : "cpu",
            def.Type, def.Config, def.Config1, def.Config2, def.Config3, description ?? def.Name, def.Unit, def.Scale, null);

    /// <summary>The definition an EventInfo opens with (no modifiers).</summary>
    public static EventDefinition ToDefinition(EventInfo info)
        => new()
        {
            Name = info.Name, Kind = info.Type, Type = info.PerfType, Config = info.Config, Config1 = info.Config1,
            Config2 = info.Config2, Config3 = info.Config3, Pmu = info.Pmu, Scale = info.Scale, Unit = info.Unit,
        };

    /// <summary>Whether this process can open the event now (on its calling thread, any CPU), with perf's :u retry.</summary>
    public static bool Probe(EventDefinition def)
    {
        PerfEventAttr attr = def.ToAttr();
        attr.Disabled = true;
        try
        {
            using FileDescriptor fd = PerfEvents.Open(ref attr, 0, -1);
            return true;
        }
        catch (SystemCallException e) when (e.IsPermissionError && def.IsCore && !def.HasModifiers)
        {
            attr = def.UserOnly().ToAttr();
            attr.Disabled = true;
            try { using FileDescriptor fd = PerfEvents.Open(ref attr, 0, -1); return true; }
            catch (SystemCallException) { return false; }
        }
        catch (SystemCallException)
        {
            return false;
        }
    }
}
