
namespace PerfSecurity.Counting;

public enum CounterTargetKind
{
    Process,
    Cpu,
    SystemWide,
    /// <summary>The tasks of one cgroup, counted on each CPU (PERF_FLAG_PID_CGROUP, perf stat -G).</summary>
    Cgroup,
}
