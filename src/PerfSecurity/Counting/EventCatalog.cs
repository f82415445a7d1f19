using System.Globalization;
using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.Counting;

/// <summary>The events of this machine: generic, dynamic PMU (sysfs) and tracepoints (tracefs).</summary>
public static class EventCatalog
{
    public static IEnumerable<EventInfo> Generic(PerfEventType kind)
        => GenericEvents.All.Where(g => g.Kind == kind).Select(g => new EventInfo(
            new EventDefinition
            {
                Name = g.Name, Kind = g.Kind, Type = g.Type, Config = g.Config, ToolName = g.Kind == PerfEventType.Tool ? g.Name : null,
                Unit = g.Kind == PerfEventType.Tool || g.Type == PerfEvents.TypeSoftware && g.Config <= GenericEvents.SwTaskClock ? "ns" : null,
            }, g.Aliases, g.Description));

    /// <summary>
    /// Event aliases of every PMU under <paramref name="root"/>, written as perf list writes them: pmu/alias/, with the
    /// "=?" fields the alias still needs (pmu/alias,field=?/).
    /// </summary>
    public static IEnumerable<EventInfo> Pmu(string root = PmuInfo.DefaultRoot)
    {
        foreach (PmuInfo pmu in PmuInfo.LoadAll(root))
        {
            foreach (PmuInfo.NamedEvent named in pmu.Events.Values.OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                EventDefinition def;
                try { def = EventResolver.ResolveAlias(pmu, named); }
                catch (PerfSecurityException) { continue; } // a value too wide for its field: perf cannot open it either
                yield return new EventInfo(def, Array.Empty<string>(), $"{pmu.Name} PMU event {named.Name} ({named.Text})");
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
            yield return new EventInfo(new EventDefinition
            {
                Name = $"{subsystem}:{name}", Kind = PerfEventType.Tracepoint, Type = PerfEvents.TypeTracepoint, Config = config, Pmu = "tracepoint",
            }, Array.Empty<string>(), $"Tracepoint {name} of {subsystem}");
        }
    }

    public static EventInfo FromDefinition(EventDefinition def, string? description = null)
        => new(def, Array.Empty<string>(), description ?? def.Name);

    /// <summary>The definition an EventInfo opens with.</summary>
    public static EventDefinition ToDefinition(EventInfo info) => info.Definition;

    /// <summary>
    /// Whether this process can open the event now (on its calling thread, any CPU), with perf's fallbacks: without
    /// exclude_guest/exclude_host when the PMU refuses them, and :u when paranoid refuses kernel counting. Tool events
    /// need no kernel support.
    /// </summary>
    public static bool Probe(EventDefinition def)
    {
        if (def.IsTool) return true;
        bool retriedUser = false;
        while (true)
        {
            PerfEventAttr attr = def.ToAttr();
            attr.Disabled = true;
            try
            {
                using FileDescriptor fd = PerfEvents.Open(ref attr, 0, -1);
                return true;
            }
            catch (SystemCallException e) when (e.Errno == Errno.EINVAL && def.CanDropGuestExclusion)
            {
                def = def.WithoutGuestExclusion();
            }
            catch (SystemCallException e) when (e.IsPermissionError && def.IsCore && !def.HasModifiers && !retriedUser)
            {
                def = def.UserOnly();
                retriedUser = true;
            }
            catch (SystemCallException)
            {
                return false;
            }
        }
    }
}
