using PerfSecurity.Errors;
using PerfSecurity.Native;
using PerfSecurity.Settings;

namespace PerfSecurity.Counting;

/// <summary>Turns a failed perf_event_open into an error that says which rule refused it and what would allow it.</summary>
public static class OpenFailure
{
    /// <summary>
    /// The error for a refused perf_event_open of <paramref name="ev"/> on one placement; <paramref name="group"/> is the
    /// group it was opened in, with <paramref name="member"/> its place (0: the leader), or null when it was alone.
    /// </summary>
    public static PerfSecurityException Explain(EventDefinition ev, CounterTarget target, int pid, int cpu, SystemCallException e, int descriptorsNeeded,
        EventGroup? group = null, int member = 0)
    {
        string where = target.Kind == CounterTargetKind.Cgroup ? $"cgroup {target.Cgroup!.Path} on CPU {cpu}"
            : pid > 0 ? $"thread {pid}" + (target.ProcessId is int p && p != pid ? $" of process {p}" : "") : $"CPU {cpu}";
        string what = $"Cannot count '{ev.Name}' on {where}";
        if (group is not null && member > 0 && GroupRefusal(group, member, e, what) is { } refused) return refused;
        switch (e.Errno)
        {
            case Errno.EACCES or Errno.EPERM:
                return new PerfSecurityException("PerfCounterPermissionDenied", FailureKind.PermissionDenied,
                    $"{what}: {PermissionReason(ev, target, pid, e.Errno)}", ev.Name, e);
            case Errno.ENOENT or Errno.EBADF when target.Kind == CounterTargetKind.Cgroup:
                return new PerfSecurityException("PerfCounterCgroupNoPerfEvent", FailureKind.InvalidArgument,
                    $"{what}: the kernel does not count this cgroup ({Errno.Describe(e.Errno)}): its hierarchy has no perf_event controller, or the cgroup was removed; {CgroupDirectory.PerfEventHierarchies()}.", ev.Name, e);
            case Errno.ENOENT or Errno.EOPNOTSUPP or Errno.ENODEV or Errno.ENXIO when ev.NeedsHardwarePmu:
                string why = Directory.Exists(Path.Combine(PmuInfo.DefaultRoot, "cpu")) || Directory.Exists(Path.Combine(PmuInfo.DefaultRoot, "cpu_core"))
                    ? "this CPU's PMU does not provide it"
                    : "no hardware PMU: /sys/bus/event_source/devices/cpu is absent, as in most virtual machines without a virtual PMU";
                return new PerfSecurityException("PerfEventNotSupported", FailureKind.NotImplemented,
                    $"'{ev.Name}' is not supported on this machine ({why}). Use software events (task-clock, page-faults, context-switches), tracepoints or other PMUs listed by Get-PerfEvent -Supported.", ev.Name, e);
            case Errno.ENOENT or Errno.EOPNOTSUPP or Errno.ENODEV or Errno.ENXIO or Errno.ENOSYS:
                return new PerfSecurityException("PerfEventNotSupported", FailureKind.NotImplemented,
                    $"'{ev.Name}' is not supported by this kernel ({Errno.Describe(e.Errno)}).", ev.Name, e);
            case Errno.ESRCH:
                return new PerfSecurityException("PerfCounterProcessNotFound", FailureKind.ObjectNotFound,
                    $"{what}: there is no such process (it may have exited).", pid, e);
            case Errno.EMFILE or Errno.ENFILE:
                var (soft, hard) = Processes.GetFileLimit();
                return new PerfSecurityException("PerfCounterTooManyFiles", FailureKind.LimitsExceeded,
                    $"{what}: out of file descriptors. Counting needs one per event per {(pid > 0 ? "thread" : "CPU")} ({descriptorsNeeded} here); RLIMIT_NOFILE is {soft} (soft), {hard} (hard). " +
                    $"Raise the soft limit (ulimit -n {hard}) or count fewer events or threads.", ev.Name, e);
            case Errno.E2BIG:
                return new PerfSecurityException("PerfEventAttrTooBig", FailureKind.NotImplemented,
                    $"{what}: this kernel accepts perf_event_attr only up to a smaller size and the event uses newer fields (such as config3).", ev.Name, e);
            case Errno.EINVAL:
                return new PerfSecurityException("PerfEventInvalidAttributes", FailureKind.InvalidArgument,
                    $"{what}: the kernel rejected its attributes (EINVAL): modifiers (u/k/h) this PMU does not accept, a config the PMU does not know, or an unusable CPU.", ev.Name, e);
            default:
                return new PerfSecurityException("PerfCounterOpenFailed", PerfSecurityException.KindOf(e.Errno),
                    $"{what}: {Errno.Describe(e.Errno)}.", ev.Name, e);
        }
    }

    // A member the kernel would not add to its group (perf_event_open with group_fd): the group cannot be taken whole.
    private static PerfSecurityException? GroupRefusal(EventGroup group, int member, SystemCallException e, string what)
    {
        switch (e.Errno)
        {
            case Errno.E2BIG:
                int most = PerfEvents.MaxGroupMembers(PerfEvents.FormatTotalTimeEnabled | PerfEvents.FormatTotalTimeRunning | PerfEvents.FormatId);
                return new PerfSecurityException("PerfCounterGroupTooLarge", FailureKind.LimitsExceeded,
                    $"{what} as event {member + 1} of the group '{Short(group.Text!)}' ({group.Members.Count} events): the kernel refuses a group whose one read " +
                    $"would exceed {PerfEvents.MaxGroupReadSize / 1024} KiB, which is {most} events here. Split it into smaller groups.", group.Text, e);
            case Errno.EINVAL:
                return new PerfSecurityException("PerfCounterGroupRejected", FailureKind.InvalidArgument,
                    $"{what}: the kernel refused to add it to the group '{Short(group.Text!)}' (EINVAL), so the group cannot be counted as a whole. " +
                    "A group must fit on one PMU at once: events of two hardware PMUs cannot share a group, and a hardware group cannot need more counters than the PMU has. " +
                    "Count the event outside the group or split the group.", group.Text, e);
            default:
                return null;
        }
    }

    private static string Short(string text) => text.Length <= 120 ? text : text[..117] + "...";

    /// <summary>The kernel gate that refused the open, in the order the kernel checks them.</summary>
    public static string PermissionReason(EventDefinition ev, CounterTarget target, int pid, int errno)
    {
        int level = Sysctl.ReadInt(Sysctl.ParanoidKey) ?? 2;
        KernelInfo kernel = KernelInfo.Current;
        bool perfmon = Privileges.PerfmonCapable;
        bool sysAdmin = Privileges.HasEffective(Capabilities.CapabilityTable.SysAdmin);
        string cap = kernel.HasCapPerfmon ? "CAP_PERFMON" : "CAP_SYS_ADMIN";

        if (ParanoidLevel.DeniesAll(level, kernel.Flavor) && !sysAdmin)
            return $"kernel.perf_event_paranoid is {level} and this {kernel.Flavor} kernel then denies every perf_event_open to processes without CAP_SYS_ADMIN (CAP_PERFMON does not help). Lower the level to 2 (Set-PerfParanoid -Level 2) or run with CAP_SYS_ADMIN.";
        if (target.IsCpuWide && level > 0 && !perfmon)
            return (target.Kind == CounterTargetKind.Cgroup
                    ? $"counting a cgroup is CPU-wide (PERF_FLAG_PID_CGROUP opens a counter on each CPU that sees every task there), so it"
                    : "CPU-wide and system-wide counting") +
                $" needs {cap} (or CAP_SYS_ADMIN) or kernel.perf_event_paranoid 0 or lower; it is {level} and this process has neither capability. Grant {cap} to the program (Set-PerfCapability, or membership of a perf_users group) or run Set-PerfParanoid -Level 0.";
        if (!target.IsCpuWide && pid > 0 && Privileges.OwnerOf(pid) is uint owner && owner != FileSystem.GetEffectiveUserId() && !perfmon)
            return $"the process belongs to user '{Privileges.UserName(owner)}'. Monitoring another user's process needs {cap}" +
                (kernel.NeedsPtraceForOtherTasks ? " and CAP_SYS_PTRACE (kernels before 5.9)" : " (kernel 5.9 or later)") + " or ptrace access to it.";
        if (!ev.ExcludeKernel && level > 1 && !perfmon)
            return $"counting in kernel space needs {cap} or kernel.perf_event_paranoid 1 or lower; it is {level}. Count user space only with the :u modifier (such as '{ev.Name}:u'), or run Set-PerfParanoid -Level 1.";
        return $"the kernel refused with {(errno == Errno.EPERM ? "EPERM" : "EACCES")} although kernel.perf_event_paranoid ({level}) and this process's capabilities allow it: a security module (SELinux perf_event class, lockdown) or a container's seccomp filter blocks perf_event_open.";
    }
}
