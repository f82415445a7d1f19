using PerfSecurity.Native;

namespace PerfSecurity.Counting;

/// <summary>A parsed event string: what goes into perf_event_attr, and the name perf would print.</summary>
public sealed record EventDefinition
{
    public required string Name { get; init; }
    public required PerfEventType Kind { get; init; }
    public required uint Type { get; init; }
    public ulong Config { get; init; }
    public ulong Config1 { get; init; }
    public ulong Config2 { get; init; }
    public ulong Config3 { get; init; }
    public bool ExcludeUser { get; init; }
    public bool ExcludeKernel { get; init; }
    public bool ExcludeHv { get; init; }
    /// <summary>Whether the string carried u/k/h modifiers (then the exclusions are the user's choice).</summary>
    public bool HasModifiers { get; init; }
    public string Pmu { get; init; } = "";
    public double Scale { get; init; } = 1;
    public string? Unit { get; init; }

    /// <summary>Events of the core PMU (generic, cache, raw, software): the ones perf retries with :u at paranoid 2.</summary>
    public bool IsCore => Type is PerfEvents.TypeHardware or PerfEvents.TypeSoftware or PerfEvents.TypeHwCache or PerfEvents.TypeRaw;

    /// <summary>Events that need a hardware PMU: generic hardware, cache and raw.</summary>
    public bool NeedsHardwarePmu => Type is PerfEvents.TypeHardware or PerfEvents.TypeHwCache or PerfEvents.TypeRaw || Pmu is "cpu" or "cpu_core" or "cpu_atom";

    public bool IsClock => Type == PerfEvents.TypeSoftware && Config is GenericEvents.SwCpuClock or GenericEvents.SwTaskClock;

    public PerfEventAttr ToAttr()
    {
        var attr = new PerfEventAttr
        {
            Type = Type,
            AttrSize = PerfEventAttr.Size,
            Config = Config,
            Config1 = Config1,
            Config2 = Config2,
            Config3 = Config3,
            ReadFormat = PerfEvents.FormatTotalTimeEnabled | PerfEvents.FormatTotalTimeRunning | PerfEvents.FormatId,
        };
        attr.ExcludeUser = ExcludeUser;
        attr.ExcludeKernel = ExcludeKernel;
        attr.ExcludeHv = ExcludeHv;
        return attr;
    }

    /// <summary>This event restricted to user space, renamed with :u as perf does when paranoid 2 refuses kernel counting.</summary>
    public EventDefinition UserOnly() => this with { Name = Name + ":u", ExcludeKernel = true, ExcludeHv = true, HasModifiers = true };

    public override string ToString() => Name;
}
