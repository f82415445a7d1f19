using System.Globalization;

namespace PerfSecurity.Settings;

/// <summary>What each perf-related setting means, and its kernel default where that is fixed.</summary>
public static class SysctlCatalog
{
    /// <summary>A setting: what it means, its default, and the bounds its proc handler enforces (proc_dointvec_minmax).</summary>
    public sealed record Entry(string Description, Func<string?>? Default = null, int Min = int.MinValue, int Max = int.MaxValue);

    public static readonly IReadOnlyDictionary<string, Entry> Known = new Dictionary<string, Entry>(StringComparer.Ordinal)
    {
        ["kernel.perf_event_paranoid"] = new("Scope of perf_events for unprivileged processes: -1 all, 0 no raw tracepoints, 1 no CPU-wide events, 2 user space only (3/4 deny all on Debian/Ubuntu kernels).",
            () => ParanoidLevel.BootDefault(KernelInfo.Current.Flavor).ToString(CultureInfo.InvariantCulture)),
        ["kernel.perf_event_mlock_kb"] = new("Per-user, per-CPU KiB of perf ring buffers that may be locked beyond RLIMIT_MEMLOCK.",
            () => (512 + Environment.SystemPageSize / 1024).ToString(CultureInfo.InvariantCulture)),
        ["kernel.perf_event_max_sample_rate"] = new("Highest sampling rate in samples per second; the kernel lowers it when sampling takes too long.", Min: 1),
        ["kernel.perf_event_max_stack"] = new("Deepest call chain recorded in a sample.", () => "127"),
        ["kernel.perf_event_max_contexts_per_stack"] = new("Most user/kernel context switches recorded in one call chain.", () => "8"),
        ["kernel.perf_cpu_time_max_percent"] = new("Share of CPU time the perf sampling interrupt may use before the sample rate is lowered.", () => "25", 0, 100),
        ["kernel.perf_user_access"] = new("arm64: 1 lets user space read PMU counters directly.", () => "0"),
        ["kernel.kptr_restrict"] = new("Kernel addresses in /proc/kallsyms: 0 shown when perf_event_paranoid <= 1 or with CAP_SYSLOG, 1 only with CAP_SYSLOG, 2 hidden from all.", () => "0", 0, 2),
    };

    /// <summary>The values the kernel accepts for a key (any int when unknown).</summary>
    public static (int Min, int Max) RangeOf(string key) => Known.TryGetValue(key, out var e) ? (e.Min, e.Max) : (int.MinValue, int.MaxValue);

    public static string Describe(string key) => Known.TryGetValue(key, out var e) ? e.Description : "";

    public static string? DefaultOf(string key) => Known.TryGetValue(key, out var e) ? e.Default?.Invoke() : null;
}
