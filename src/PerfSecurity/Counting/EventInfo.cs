using PerfSecurity.Counting;

namespace PerfSecurity;

/// <summary>An event this kernel knows, with the string that names it in -Event and the attributes it opens with.</summary>
public sealed class EventInfo
{
    internal EventInfo(EventDefinition definition, string[] aliases, string description, bool? supported = null)
    {
        Definition = definition;
        Aliases = aliases;
        Description = description;
        Supported = supported;
    }

    internal EventDefinition Definition { get; }

    public string Name => Definition.Name;
    public string[] Aliases { get; }
    public PerfEventType Type => Definition.Kind;
    public string Pmu => Definition.Pmu.Length > 0 ? Definition.Pmu : Definition.Kind switch
    {
        PerfEventType.Software or PerfEventType.Tool => "software",
        _ => "cpu",
    };
    /// <summary>attr.type.</summary>
    public uint PerfType => Definition.Type;
    public ulong Config => Definition.Config;
    /// <summary>attr.config1; the address of a breakpoint (bp_addr shares it).</summary>
    public ulong Config1 => Definition.Config1;
    /// <summary>attr.config2; the length of a breakpoint (bp_len shares it).</summary>
    public ulong Config2 => Definition.Config2;
    public ulong Config3 => Definition.Config3;
    /// <summary>attr.exclude_user, _kernel, _hv, _idle, _host, _guest.</summary>
    public PerfEventExclusion Exclude => (Definition.ExcludeUser ? PerfEventExclusion.User : 0) | (Definition.ExcludeKernel ? PerfEventExclusion.Kernel : 0)
        | (Definition.ExcludeHv ? PerfEventExclusion.Hypervisor : 0) | (Definition.ExcludeIdle ? PerfEventExclusion.Idle : 0)
        | (Definition.ExcludeHost ? PerfEventExclusion.Host : 0) | (Definition.ExcludeGuest ? PerfEventExclusion.Guest : 0);
    /// <summary>attr.precise_ip (p modifiers).</summary>
    public int PreciseIp => Definition.PreciseIp;
    /// <summary>attr.pinned (D modifier).</summary>
    public bool Pinned => Definition.Pinned;
    /// <summary>attr.exclusive (e modifier).</summary>
    public bool Exclusive => Definition.Exclusive;
    /// <summary>attr.bp_type of a mem: event.</summary>
    public PerfBreakpointAccess BreakpointAccess => (PerfBreakpointAccess)Definition.BreakpointType;
    /// <summary>The "=?" fields a PMU alias needs beside it (pmu/alias,field=N/); empty for events that open as listed.</summary>
    public string[] Parameters => Definition.Parameters.ToArray();
    public string Description { get; }
    public string? Unit => Definition.Unit;
    public double Scale => Definition.Scale;
    /// <summary>Whether this process could open the event; null when not tried (-Supported not given, or values still needed).</summary>
    public bool? Supported { get; }

    internal EventInfo WithSupported(bool? supported) => new(Definition, Aliases, Description, supported);

    public override string ToString() => Name;
}
