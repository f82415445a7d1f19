
namespace PerfSecurity;

/// <summary>The kinds of perf_events access the kernel guards separately.</summary>
[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))] // by name in JSON and (Types.ps1xml) in CliXML/remoting
public enum AccessScope
{
    /// <summary>Counting and sampling one's own processes in user space (exclude_kernel=1).</summary>
    UserProfiling,
    /// <summary>Counting and sampling one's own processes in kernel space too (exclude_kernel=0).</summary>
    KernelProfiling,
    /// <summary>Events on a CPU for all tasks (pid -1, cpu N): system-wide monitoring, and counting a cgroup (one counter per CPU).</summary>
    CpuWide,
    /// <summary>Tracepoint samples with PERF_SAMPLE_RAW and ftrace function events.</summary>
    RawTracepoints,
    /// <summary>Events attached to processes of other users.</summary>
    OtherUsersProcesses,
    /// <summary>Real kernel addresses in /proc/kallsyms.</summary>
    KernelAddresses,
    /// <summary>Ring buffers beyond perf_event_mlock_kb and RLIMIT_MEMLOCK.</summary>
    MlockExempt,
}
