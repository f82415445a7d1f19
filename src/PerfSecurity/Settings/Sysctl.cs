using System.Globalization;
using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.Settings;

/// <summary>Runtime kernel settings under /proc/sys.</summary>
public static class Sysctl
{
    public const string ParanoidKey = "kernel.perf_event_paranoid";

    /// <summary>The file behind a key: dots are separators, slashes inside a component stay slashes.</summary>
    public static string PathOf(string key, string root = "/")
        => Path.Combine(root, "proc/sys", SysctlConfiguration.CanonicalKey(key));

    /// <summary>The runtime value, or null when the kernel has no such setting.</summary>
    public static string? Read(string key, string root = "/")
    {
        string path = PathOf(key, root);
        // Under -Root the file may be anything: a FIFO or a device is refused, not waited on.
        try { return IO.BoundedFile.ReadAllText(path, IO.BoundedFile.KernelValueLimit, "PerfSysctlValue").Trim(); }
        catch (PerfSecurityException e) when (e.Kind == FailureKind.ObjectNotFound) { return null; }
    }

    public static int? ReadInt(string key, string root = "/")
        => int.TryParse(Read(key, root), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : null;

    /// <summary>Writes a runtime value; the kernel's errno becomes the error (EACCES: not root, EINVAL: bad value).</summary>
    public static void Write(string key, string value)
    {
        string path = PathOf(key);
        try
        {
            FileSystem.WriteText(path, value + "\n");
        }
        catch (SystemCallException e) when (e.IsPermissionError)
        {
            throw PerfSecurityException.FromSystemCall("PerfSysctlWriteDenied", e,
                $"Cannot set {key}: writing {path} needs root. Run pwsh as root (for example with sudo).", key);
        }
        catch (SystemCallException e)
        {
            throw PerfSecurityException.FromSystemCall("PerfSysctlWriteFailed", e,
                $"The kernel refused {key} = {value}: {Errno.Describe(e.Errno)}.", key);
        }
    }

    /// <summary>The kernel.perf_* settings this kernel has, plus kernel.kptr_restrict.</summary>
    public static IReadOnlyList<string> PerfKeys(string root = "/")
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal) { "kernel.kptr_restrict" };
        string dir = Path.Combine(root, "proc/sys/kernel");
        if (Directory.Exists(dir))
        {
            foreach (string file in Directory.EnumerateFiles(dir, "perf_*"))
                keys.Add("kernel." + Path.GetFileName(file));
        }
        foreach (string known in SysctlCatalog.Known.Keys)
            if (known != "kernel.kptr_restrict" && Read(known, root) is not null) keys.Add(known);
        return keys.ToList();
    }
}

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
