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
    public bool ExcludeIdle { get; init; }
    public bool ExcludeHost { get; init; }
    /// <summary>Set unless modifiers say otherwise, as perf sets it (it runs as a host tool, perf_guest false).</summary>
    public bool ExcludeGuest { get; init; } = true;
    /// <summary>attr.precise_ip from p modifiers (0-3).</summary>
    public int PreciseIp { get; init; }
    public bool Pinned { get; init; }
    public bool Exclusive { get; init; }
    /// <summary>HW_BREAKPOINT_R|W|X of a mem: event; its address is in Config1 and its length in Config2 (the attr unions).</summary>
    public uint BreakpointType { get; init; }
    /// <summary>Whether the string carried modifiers (then the exclusions are the user's choice).</summary>
    public bool HasModifiers { get; init; }
    /// <summary>Whether G or H was given (perf's exclude_GH): then u and p no longer exclude the guest.</summary>
    internal bool GuestHostChosen { get; init; }
    /// <summary>The "=?" terms of a listed PMU alias that were left at 0: such an event needs them before it can be opened.</summary>
    public IReadOnlyList<string> Parameters { get; init; } = Array.Empty<string>();
    public string Pmu { get; init; } = "";
    public double Scale { get; init; } = 1;
    public string? Unit { get; init; }

    /// <summary>Events of the core PMU (generic, cache, raw, software): the ones perf retries with :u at paranoid 2.</summary>
    public bool IsCore => Type is PerfEvents.TypeHardware or PerfEvents.TypeSoftware or PerfEvents.TypeHwCache or PerfEvents.TypeRaw;

    /// <summary>Events that need a hardware PMU: generic hardware, cache and raw.</summary>
    public bool NeedsHardwarePmu => Type is PerfEvents.TypeHardware or PerfEvents.TypeHwCache or PerfEvents.TypeRaw || Pmu is "cpu" or "cpu_core" or "cpu_atom";

    public bool IsClock => Kind != PerfEventType.Tool && Type == PerfEvents.TypeSoftware && Config is GenericEvents.SwCpuClock or GenericEvents.SwTaskClock;

    /// <summary>A perf tool event (duration_time, user_time, system_time): measured by the tool, not opened in the kernel.</summary>
    public bool IsTool => Kind == PerfEventType.Tool;

    /// <summary>Which tool event: duration_time, user_time or system_time.</summary>
    public string? ToolName { get; init; }

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
            BpType = BreakpointType,
            ReadFormat = PerfEvents.FormatTotalTimeEnabled | PerfEvents.FormatTotalTimeRunning | PerfEvents.FormatId,
        };
        attr.ExcludeUser = ExcludeUser;
        attr.ExcludeKernel = ExcludeKernel;
        attr.ExcludeHv = ExcludeHv;
        attr.ExcludeIdle = ExcludeIdle;
        attr.ExcludeHost = ExcludeHost;
        attr.ExcludeGuest = ExcludeGuest;
        attr.PreciseIp = PreciseIp;
        attr.Pinned = Pinned;
        attr.Exclusive = Exclusive;
        return attr;
    }

    /// <summary>Whether a refused open may be retried without exclude_guest/exclude_host, as perf does for PMUs that reject them.</summary>
    public bool CanDropGuestExclusion => ExcludeGuest || ExcludeHost;

    /// <summary>This event without exclude_guest and exclude_host (perf's fallback when a PMU answers EINVAL to them).</summary>
    public EventDefinition WithoutGuestExclusion() => this with { ExcludeGuest = false, ExcludeHost = false };

    /// <summary>This event restricted to user space, renamed with :u as perf does when paranoid 2 refuses kernel counting.</summary>
    public EventDefinition UserOnly() => this with { Name = Name + ":u", ExcludeKernel = true, ExcludeHv = true, HasModifiers = true };

    public override string ToString() => Name;
}
