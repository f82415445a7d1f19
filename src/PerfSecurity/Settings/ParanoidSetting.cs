using PerfSecurity.Settings;

namespace PerfSecurity;

/// <summary>kernel.perf_event_paranoid now and at the next boot, and what it permits unprivileged processes.</summary>
public sealed class ParanoidSetting
{
    public ParanoidSetting(int level, int? persistedLevel, int nextBootLevel, string? persistedIn, string[] alsoSetIn, KernelInfo kernel,
        BootPathInfo bootPath, string[] configurationProblems)
    {
        BootPath = bootPath.Path;
        BootPathReason = bootPath.Reason;
        ConfigurationProblems = configurationProblems;
        Level = level;
        PersistedLevel = persistedLevel;
        PersistedIn = persistedIn;
        AlsoSetIn = alsoSetIn;
        KernelFlavor = kernel.Flavor;
        KernelRelease = kernel.Release;
        NextBootLevel = nextBootLevel;
        InSync = NextBootLevel == level;
        var p = ParanoidLevel.Permissions(level, kernel.Flavor);
        UserProfiling = p.UserProfiling;
        KernelProfiling = p.KernelProfiling;
        CpuWide = p.CpuWide;
        RawTracepoints = p.RawTracepoints;
        MlockLimitEnforced = p.MlockLimitEnforced;
        Description = ParanoidLevel.Describe(level, kernel.Flavor);
    }

    /// <summary>The runtime value of /proc/sys/kernel/perf_event_paranoid.</summary>
    public int Level { get; }
    /// <summary>The program whose rules decide what the next boot applies: systemd-sysctl or procps sysctl --system.</summary>
    public BootPath BootPath { get; }
    /// <summary>Why that boot path (PID 1, the systemd-sysctl unit, or -BootPath).</summary>
    public string BootPathReason { get; }
    /// <summary>What in the sysctl configuration changes or prevents what the boot applies.</summary>
    public string[] ConfigurationProblems { get; }
    /// <summary>The value the kernel keeps at the next boot from the sysctl configuration, or null when no line sets one.</summary>
    public int? PersistedLevel { get; }
    /// <summary>The file whose line wins at the next boot.</summary>
    public string? PersistedIn { get; }
    /// <summary>Every file:line whose write reaches the key, in the order applied (the last one the kernel accepts wins).</summary>
    public string[] AlsoSetIn { get; }
    /// <summary>PersistedLevel, or the kernel's built-in default when nothing is persisted.</summary>
    public int NextBootLevel { get; }
    /// <summary>Whether the runtime level survives a reboot.</summary>
    public bool InSync { get; }
    public KernelFlavor KernelFlavor { get; }
    public string KernelRelease { get; }
    public bool UserProfiling { get; }
    public bool KernelProfiling { get; }
    public bool CpuWide { get; }
    public bool RawTracepoints { get; }
    public bool MlockLimitEnforced { get; }
    public string Description { get; }
}
