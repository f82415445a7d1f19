using PerfSecurity.Settings;

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

/// <summary>The prediction of a rule: the kernel allows it, denies it, or the module cannot tell.</summary>
[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))] // by name in JSON and (Types.ps1xml) in CliXML/remoting
public enum AccessVerdict
{
    Allowed,
    Denied,
    /// <summary>Something the module cannot see decides: a seccomp filter it may not read, or one whose answer depends on the caller's arguments.</summary>
    Unknown,
}

/// <summary>Whether a subject (a process, or a user running a binary) may use one perf_events scope, and why.</summary>
public sealed class AccessRule
{
    public AccessRule(string subject, AccessScope scope, AccessVerdict verdict, string reason, string requires,
        int paranoidLevel, KernelFlavor kernelFlavor, string kernelVersion, string[] capabilities, string[] notes,
        int? processId, string? userName, string? filePath, int? seccompFilter = null, string? seccompAction = null,
        Namespaces.NamespaceSet? namespaces = null)
    {
        Subject = subject;
        Scope = scope;
        Verdict = verdict;
        Allowed = verdict switch { AccessVerdict.Allowed => true, AccessVerdict.Denied => false, _ => null };
        Reason = reason;
        Requires = requires;
        ParanoidLevel = paranoidLevel;
        KernelFlavor = kernelFlavor;
        KernelVersion = kernelVersion;
        Capabilities = capabilities;
        Notes = notes;
        ProcessId = processId;
        UserName = userName;
        FilePath = filePath;
        SeccompFilter = seccompFilter;
        SeccompAction = seccompAction;
        PidNamespace = namespaces?.Pid;
        UserNamespace = namespaces?.User;
        CgroupNamespace = namespaces?.Cgroup;
        MountNamespace = namespaces?.Mount;
    }

    /// <summary>Who the rule is about: "process 812 (perf)", "user alice", "user alice running /usr/bin/perf".</summary>
    public string Subject { get; }
    public AccessScope Scope { get; }
    /// <summary>The prediction: Allowed, Denied, or Unknown when something the module cannot see decides.</summary>
    public AccessVerdict Verdict { get; }
    /// <summary>
    /// True when the kernel lets the subject do this now, false when it refuses, null when <see cref="Verdict"/> is
    /// Unknown: <c>Where-Object Allowed</c> keeps only what is certainly allowed.
    /// </summary>
    public bool? Allowed { get; }
    /// <summary>One sentence naming the rule that decided.</summary>
    public string Reason { get; }
    /// <summary>What would allow it (capabilities or settings).</summary>
    public string Requires { get; }
    /// <summary>The kernel.perf_event_paranoid value the prediction used.</summary>
    public int ParanoidLevel { get; }
    public KernelFlavor KernelFlavor { get; }
    public string KernelVersion { get; }
    /// <summary>The perf-relevant capabilities the subject has in the initial user namespace (cap_perfmon, cap_sys_admin, …).</summary>
    public string[] Capabilities { get; }
    /// <summary>Caveats: ignored file capabilities, seccomp filters, user namespaces.</summary>
    public string[] Notes { get; }
    /// <summary>The process the rule is about, when the subject is a process.</summary>
    public int? ProcessId { get; }
    /// <summary>The (effective) user of the subject.</summary>
    public string? UserName { get; }
    /// <summary>The binary the subject runs, when one was given.</summary>
    public string? FilePath { get; }
    /// <summary>
    /// The seccomp filter whose return decided, numbered as PTRACE_SECCOMP_GET_FILTER numbers them (0 = installed
    /// first); null when no filter objected or none is installed.
    /// </summary>
    public int? SeccompFilter { get; }
    /// <summary>The seccomp action that decided (ALLOW, LOG, ERRNO(EPERM), KILL_PROCESS, TRAP, TRACE, USER_NOTIF…), null without filters.</summary>
    public string? SeccompAction { get; }
    /// <summary>The PID namespace of the process ("pid:[4026532301]") when it is not the host's (PID 1's), else null.</summary>
    public string? PidNamespace { get; }
    /// <summary>The user namespace of the process when it is not the host's, else null.</summary>
    public string? UserNamespace { get; }
    /// <summary>The cgroup namespace of the process when it is not the host's, else null.</summary>
    public string? CgroupNamespace { get; }
    /// <summary>The mount namespace of the process when it is not the host's, else null.</summary>
    public string? MountNamespace { get; }

    public override string ToString() => $"{Scope}: {Verdict.ToString().ToLowerInvariant()}";
}
