namespace PerfSecurity.Capabilities;

/// <summary>The three capability sets of a file or process, as libcap's text form describes them.</summary>
public readonly record struct CapabilityState(CapabilitySet Effective, CapabilitySet Permitted, CapabilitySet Inheritable)
{
    public static CapabilityState Empty => default;

    /// <summary>Parses libcap's text form (cap_from_text), e.g. "cap_perfmon,cap_syslog=ep cap_ipc_lock+i".</summary>
    public static CapabilityState Parse(string text) => CapabilityText.Parse(text);

    /// <summary>libcap's text form (cap_to_text) for the running kernel's capability count.</summary>
    public override string ToString() => CapabilityText.Format(this);
}
