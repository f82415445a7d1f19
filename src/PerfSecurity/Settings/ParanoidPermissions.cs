namespace PerfSecurity.Settings;

/// <summary>What a kernel.perf_event_paranoid level lets an unprivileged process do (no CAP_PERFMON or CAP_SYS_ADMIN).</summary>
public readonly record struct ParanoidPermissions(
    bool UserProfiling, bool KernelProfiling, bool CpuWide, bool RawTracepoints, bool MlockLimitEnforced, bool DeniesAll);
