namespace PerfSecurity.Settings;

/// <summary>The kernel's rules for kernel.perf_event_paranoid (kernel/events/core.c and the distribution patches).</summary>
public static class ParanoidLevel
{
    public const int Minimum = -1;
    public const int Maximum = 4;

    /// <summary>The level a kernel starts with when no configuration sets one.</summary>
    public static int BootDefault(KernelFlavor flavor) => flavor switch
    {
        KernelFlavor.Debian => 3,
        KernelFlavor.Ubuntu => 4,
        _ => 2,
    };

    /// <summary>Whether this level denies every unprivileged perf_event_open on this kernel (the restrict patch).</summary>
    public static bool DeniesAll(int level, KernelFlavor flavor) => flavor switch
    {
        KernelFlavor.Debian => level > 2,
        KernelFlavor.Ubuntu => level >= 4,
        _ => false,
    };

    /// <summary>The kernel accepts any integer: above 2 acts as 2 (mainline), below -1 as -1.</summary>
    public static ParanoidPermissions Permissions(int level, KernelFlavor flavor)
    {
        bool denied = DeniesAll(level, flavor);
        return new ParanoidPermissions(
            UserProfiling: !denied,
            KernelProfiling: !denied && level <= 1,
            CpuWide: !denied && level <= 0,
            RawTracepoints: !denied && level <= -1,
            MlockLimitEnforced: level > -1,
            DeniesAll: denied);
    }

    /// <summary>One sentence saying what the level means on this kernel.</summary>
    public static string Describe(int level, KernelFlavor flavor)
    {
        if (DeniesAll(level, flavor))
            return $"Level {level} on a {flavor} kernel denies all perf_events use to processes without CAP_SYS_ADMIN; CAP_PERFMON does not help.";
        return level switch
        {
            <= -1 => "No restrictions: unprivileged processes may use all events, including raw tracepoints and CPU-wide events, without the mlock limit.",
            0 => "Unprivileged processes may profile user and kernel space and monitor CPUs system-wide, but not raw tracepoints.",
            1 => "Unprivileged processes may profile their own processes in user and kernel space, but not CPU-wide or system-wide.",
            _ => "Unprivileged processes may profile their own processes in user space only (no kernel profiling, no CPU-wide events).",
        };
    }
}
