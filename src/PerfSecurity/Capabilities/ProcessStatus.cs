namespace PerfSecurity.Capabilities;

/// <summary>
/// What /proc/&lt;pid&gt;/status says of a process's capabilities and privileges. Credentials belong to threads:
/// <see cref="ThreadId"/> names the thread they were read from when it is not the leader (a leader that has
/// exited while other threads run is a zombie that keeps its last credentials).
/// </summary>
public sealed record ProcessStatus(
    int ProcessId, int ParentId, string Name, uint Uid, uint EffectiveUid,
    CapabilitySet Inheritable, CapabilitySet Permitted, CapabilitySet Effective, CapabilitySet Bounding, CapabilitySet Ambient,
    bool NoNewPrivs, int Seccomp, bool IsKernelThread, bool IsZombie = false, int? ThreadId = null);
