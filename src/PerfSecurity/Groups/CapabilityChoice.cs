using PerfSecurity.Capabilities;
using PerfSecurity.Settings;

namespace PerfSecurity.Groups;

/// <summary>The capabilities a perf users binary or shell gets, and what the caller should be told about them.</summary>
public sealed record CapabilityChoice(CapabilitySet Set, IReadOnlyList<string> Notes, IReadOnlyList<string> Warnings)
{
    /// <summary>
    /// The kernel document's set without CAP_SYS_PTRACE, which it needs only before 5.9 (added then, below): CAP_PERFMON and
    /// CAP_SYSLOG (kernel addresses). CAP_SYS_PTRACE on perf is root for every member, since perf runs scripts of its user's
    /// choice in its own process (perf script -s), and such a script may then attach to root's processes.
    /// </summary>
    public static readonly string[] DefaultNames = { "cap_perfmon", "cap_syslog" };

    /// <summary>
    /// Applies the kernel's ground rules to the requested names: cap_sys_ptrace before 5.9, cap_ipc_lock on request,
    /// a warning when a Debian/Ubuntu restrict level makes CAP_PERFMON useless or the kernel predates CAP_PERFMON.
    /// </summary>
    public static CapabilityChoice Resolve(IEnumerable<string>? requested, bool includeIpcLock, KernelInfo kernel, int? paranoidLevel)
    {
        var notes = new List<string>();
        var warnings = new List<string>();
        CapabilitySet set = CapabilitySet.Parse(requested ?? DefaultNames);
        if (set.IsEmpty)
            throw new Errors.PerfSecurityException("PerfUsersGroupNoCapability", Errors.FailureKind.InvalidArgument,
                "No capability was given. Give at least cap_perfmon (the default is cap_perfmon,cap_syslog).", requested);

        if (includeIpcLock && !set.Contains(CapabilityTable.IpcLock))
        {
            set = set.With(CapabilityTable.IpcLock);
            notes.Add("cap_ipc_lock added: perf ring buffers may then exceed perf_event_mlock_kb and RLIMIT_MEMLOCK, as 'perf top' without -m needs.");
        }

        if (kernel.NeedsPtraceForOtherTasks && !set.Contains(CapabilityTable.SysPtrace))
        {
            set = set.With(CapabilityTable.SysPtrace);
            notes.Add($"cap_sys_ptrace added: on kernel {kernel.Release} (before 5.9) CAP_PERFMON alone does not allow monitoring other users' processes; the ptrace check decides.");
        }

        if (!kernel.HasCapPerfmon && !set.Contains(CapabilityTable.SysAdmin))
            warnings.Add($"Kernel {kernel.Release} predates CAP_PERFMON (5.8): it checks CAP_SYS_ADMIN for privileged perf_events use, so cap_perfmon has no effect. Add cap_sys_admin to -Capability only if members may have nearly full root power.");

        if (paranoidLevel is int level && ParanoidLevel.DeniesAll(level, kernel.Flavor) && !set.Contains(CapabilityTable.SysAdmin))
            warnings.Add($"kernel.perf_event_paranoid is {level} on this {kernel.Flavor} kernel: that level denies every perf_events use to processes without CAP_SYS_ADMIN, so CAP_PERFMON will not help. "
                + "Lower the level to 2 (Set-PerfParanoid -Level 2 -Persist), or add cap_sys_admin to -Capability (not granted by default: it is close to full root).");

        return new CapabilityChoice(set, notes, warnings);
    }
}
