using PerfSecurity.Capabilities;
using PerfSecurity.Seccomp;
using PerfSecurity.Settings;

namespace PerfSecurity.Access;

/// <summary>
/// The capabilities a subject ends up with, and the caveats found on the way. <see cref="ExecFailure"/> says why
/// executing the subject's file fails altogether, when it does.
/// </summary>
public readonly record struct ResolvedCredentials(CapabilitySet Effective, bool IsRoot, IReadOnlyList<string> Notes, string? FileNote, string? ExecFailure = null);

/// <summary>
/// The kernel's perf_events permission rules (kernel/events/core.c, kernel/kallsyms.c, the distribution
/// restrict patch, perf_mmap accounting), execve's capability rules (security/commoncap.c) and the process's
/// seccomp filters (kernel/seccomp.c) as a pure function of <see cref="KernelFacts"/> and <see cref="SubjectFacts"/>.
/// </summary>
public static class AccessRules
{
    /// <summary>Capabilities that take part in perf_events decisions.</summary>
    public static readonly int[] RelevantCapabilities =
    {
        CapabilityTable.Perfmon, CapabilityTable.SysAdmin, CapabilityTable.SysPtrace, CapabilityTable.Syslog, CapabilityTable.IpcLock,
    };

    private static readonly Version PerfmonSince = new(5, 8);
    private static readonly Version PerfmonForOtherTasksSince = new(5, 9);

    /// <summary>
    /// The effective capabilities of the subject, after executing its file when there is one (execve rules,
    /// cap_bprm_creds_from_file: root gets its bounding set unless a non-root caller runs a set-user-ID root file
    /// that has file capabilities; otherwise file capabilities apply unless the mount is nosuid, and under
    /// no_new_privs they cannot add to the permitted set; a file without them keeps the ambient set). A file whose
    /// effective bit is set and whose permitted set holds a capability the caller cannot receive (outside its
    /// bounding set, and not in both inheritable sets) fails to execute with EPERM.
    /// Capabilities outside the initial user namespace do not count for perf_events.
    /// </summary>
    public static ResolvedCredentials Resolve(SubjectFacts s)
    {
        var notes = new List<string>();
        string? fileNote = null, execFailure = null;
        CapabilitySet effective;
        bool root = s.Uid == 0;
        if (s.File is not { } f)
        {
            effective = s.Effective;
        }
        else
        {
            FileCapabilityData? caps = f.Capabilities;
            bool fileApplies = f.Executable && !f.NoSuidMount && (caps is null || caps.RootId is null or 0);
            bool hasFileCaps = fileApplies && caps is not null;
            // The kernel drops bits beyond its last capability when it reads the attribute (CAP_VALID_MASK).
            CapabilitySet forced = caps is null ? CapabilitySet.Empty : caps.Permitted & CapabilitySet.All;
            if (hasFileCaps && caps!.Effective)
            {
                CapabilitySet granted = (forced & s.Bounding) | (caps.Inheritable & s.Inheritable);
                CapabilitySet missing = forced.Except(granted);
                if (!missing.IsEmpty)
                    execFailure = $"Executing {f.Path} fails with EPERM: its file capabilities require {string.Join(", ", missing.Names())} "
                        + $"(permitted set with the effective bit), which the subject's bounding set does not hold, and the kernel refuses to "
                        + "start a binary without capabilities it requires (security/commoncap.c, bprm_caps_from_vfs_caps).";
            }

            if (!f.Executable)
            {
                fileNote = $"the subject cannot execute {f.Path}, so its file capabilities do not apply";
            }
            else if (f.NoSuidMount && (caps is not null || f.SetuidRoot))
            {
                fileNote = $"the file capabilities and set-user-ID bit of {f.Path} are ignored: it is on a nosuid mount";
            }
            else if (caps is { RootId: { } rootId } && rootId != 0)
            {
                fileNote = $"the file capabilities of {f.Path} belong to a user namespace (rootid {rootId}) and do not apply in the initial one";
            }
            else if (s.NoNewPrivs && !root && (caps is not null || f.SetuidRoot))
            {
                fileNote = $"the file capabilities and set-user-ID bit of {f.Path} cannot add privileges: the subject runs with no_new_privs";
            }
            else if (!root && f.SetuidRoot && hasFileCaps)
            {
                fileNote = $"the set-user-ID root bit of {f.Path} gives no capabilities to a caller that is not root, because the file has file capabilities, which the kernel applies instead";
            }

            bool becomesRoot = root || (fileApplies && f.SetuidRoot && !s.NoNewPrivs && !hasFileCaps);
            if (!f.Executable)
            {
                effective = root ? s.Bounding : CapabilitySet.Empty;
            }
            else if (becomesRoot)
            {
                effective = s.Bounding;
                root = true;
            }
            else if (hasFileCaps)
            {
                CapabilitySet permitted = (forced & s.Bounding) | (caps!.Inheritable & s.Inheritable);
                if (s.NoNewPrivs) permitted &= s.Permitted;
                effective = caps.Effective ? permitted : CapabilitySet.Empty;
            }
            else
            {
                effective = s.Ambient;
            }
            if (fileNote is not null) notes.Add(Capitalize(fileNote) + ".");
        }

        if (!s.InitialUserNamespace && !effective.IsEmpty)
        {
            notes.Add("The subject is in a child user namespace: its capabilities do not count for perf_events, which checks them in the initial user namespace.");
            effective = CapabilitySet.Empty;
            root = false;
        }
        return new ResolvedCredentials(effective, root, notes, fileNote, execFailure);
    }

    /// <summary>One rule per <see cref="AccessScope"/>, in enum order.</summary>
    public static IReadOnlyList<AccessRule> Decide(KernelFacts k, SubjectFacts s)
    {
        ResolvedCredentials creds = Resolve(s);
        var notes = new List<string>(creds.Notes);
        CapabilitySet caps = creds.Effective;

        bool hasPerfmonBit = caps.Contains(CapabilityTable.Perfmon);
        bool perfmonKnown = k.Version >= PerfmonSince;
        if (hasPerfmonBit && !perfmonKnown)
            notes.Add($"CAP_PERFMON does not exist before kernel 5.8 (this is {k.Version}): it grants nothing here.");
        bool sysAdmin = caps.Contains(CapabilityTable.SysAdmin);
        bool perfmon = hasPerfmonBit && perfmonKnown;
        bool perfmonCapable = perfmon || sysAdmin;

        if (s.Namespaces?.Pid is { } pidNamespace)
            notes.Add($"The process is in PID namespace {pidNamespace}: it can attach events only to the processes it sees there, by their pids in that namespace.");
        // Where a login's bounding set (PID 1's) is what keeps the file's capabilities out, say where it comes from.
        if (s.ProcessId is null && s.File?.Capabilities is { } fileCaps && !(fileCaps.Permitted & CapabilitySet.All).Except(s.Bounding).IsEmpty)
            notes.Add($"Logins inherit the bounding set of PID 1, which lacks {string.Join(", ", CapabilitySet.All.Except(s.Bounding).Names())}.");

        SeccompState? seccomp = s.Seccomp == 2 ? s.SeccompState ?? new SeccompState(2, null, "its filters were not read",
            SyscallAbi.Native, new SeccompContext(0, false), 0, Array.Empty<string>()) : null;
        if (s.Seccomp == 1)
            notes.Add("Strict seccomp (mode 1) allows only read, write, _exit and sigreturn: nothing else is possible.");
        if (seccomp is not null)
        {
            notes.Add(seccomp.Filters is { } filters
                ? $"Seccomp filter mode with {filters.Count} filter{(filters.Count == 1 ? "" : "s")}, read from thread {seccomp.ThreadId} and evaluated for each call below."
                : $"A seccomp filter (mode 2) is active and could not be read: {seccomp.Unreadable}.");
            notes.AddRange(seccomp.Notes);
        }

        var ctx = new Context(k, s, perfmon, sysAdmin, perfmonCapable, perfmonKnown, caps, creds.FileNote);
        string[] relevant = RelevantCapabilities.Where(caps.Contains).Select(CapabilityTable.NameOf).ToArray();
        string[] noteArray = notes.ToArray();
        string subject = s.File is null ? s.Description : $"{s.Description} running {s.File.Path}";
        var rules = new List<AccessRule>();
        foreach (AccessScope scope in Enum.GetValues<AccessScope>())
        {
            (bool allowed, string reason, string requires) = scope switch
            {
                AccessScope.UserProfiling => UserProfiling(ctx),
                AccessScope.KernelProfiling => Threshold(ctx, 1, "kernel profiling (exclude_kernel=0)"),
                AccessScope.CpuWide => Threshold(ctx, 0, "CPU-wide monitoring (pid -1, and cgroup counting: PERF_FLAG_PID_CGROUP on each CPU)"),
                AccessScope.RawTracepoints => Threshold(ctx, -1, "raw tracepoint samples (PERF_SAMPLE_RAW)"),
                AccessScope.OtherUsersProcesses => OtherUsers(ctx),
                AccessScope.KernelAddresses => KernelAddresses(ctx),
                _ => Mlock(ctx),
            };
            Outcome outcome;
            if (creds.ExecFailure is string failure)
                outcome = new Outcome(AccessVerdict.Denied, failure,
                    "a bounding set that holds every capability in the file's permitted set, or file capabilities without those the subject cannot have", null, null);
            else if (s.Seccomp == 1)
                outcome = new Outcome(AccessVerdict.Denied, "The subject runs under strict seccomp (mode 1), which allows only read, write, _exit and sigreturn.", requires, null, null);
            else if (seccomp is not null)
                outcome = ApplySeccomp(seccomp, Calls(scope, seccomp.Abi, k.HighestCpu), allowed, reason, requires);
            else
                outcome = new Outcome(allowed ? AccessVerdict.Allowed : AccessVerdict.Denied, reason, requires, null, null);
            rules.Add(new AccessRule(subject, scope, outcome.Verdict, outcome.Reason, outcome.Requires, k.ParanoidLevel, k.Flavor, k.Version.ToString(),
                relevant, noteArray, s.ProcessId, s.UserName, s.File?.Path, outcome.Filter, outcome.Action, s.Namespaces));
        }
        return rules;
    }

    private sealed record Outcome(AccessVerdict Verdict, string Reason, string Requires, int? Filter, string? Action);

    /// <summary>Linux's PID_MAX_LIMIT on 64-bit: the largest pid another process can have.</summary>
    private const uint PidMaxLimit = 4194304;
    private const ulong PerfFlagFdCloexec = 8;

    /// <summary>
    /// The system calls a scope needs, with the arguments its caller passes: perf_event_open(attr, pid, cpu,
    /// group_fd, flags) as perf opens a group leader (PERF_FLAG_FD_CLOEXEC); openat and read for /proc/kallsyms;
    /// the ring-buffer mmap. The attr pointer and a few other values are unknown, and a negative int's high
    /// 32 bits are undetermined (zero- or sign-extended by the caller's compiler).
    /// </summary>
    public static IReadOnlyList<SyscallCall> Calls(AccessScope scope, SyscallAbi? abi, int highestCpu)
    {
        if (abi is null) return Array.Empty<SyscallCall>();
        var attr = SyscallArgument.Unknown("attr");
        var flags = SyscallArgument.Exactly(PerfFlagFdCloexec, "PERF_FLAG_FD_CLOEXEC");
        SyscallCall Perf(SyscallArgument pid, SyscallArgument cpu)
            => new("perf_event_open", abi.PerfEventOpen, new[] { attr, pid, cpu, SyscallArgument.SignExtended(-1), flags });
        SyscallCall own = Perf(SyscallArgument.SignExtended(0), SyscallArgument.SignExtended(-1));
        var fd = SyscallArgument.Between(0, 1 << 20, "fd");
        return scope switch
        {
            AccessScope.CpuWide => new[] { Perf(SyscallArgument.SignExtended(-1), SyscallArgument.Between(0, (uint)Math.Max(0, highestCpu),
                highestCpu > 0 ? $"cpu 0-{highestCpu}" : "0")) },
            AccessScope.OtherUsersProcesses => new[] { Perf(SyscallArgument.Between(1, PidMaxLimit, "pid"), SyscallArgument.SignExtended(-1)) },
            AccessScope.KernelAddresses => new[]
            {
                new SyscallCall("openat", abi.OpenAt, new[] { SyscallArgument.SignExtended(-100), SyscallArgument.Unknown("\"/proc/kallsyms\""),
                    SyscallArgument.Exactly(0, "O_RDONLY"), SyscallArgument.Exactly(0) }),
                new SyscallCall("read", abi.Read, new[] { fd, SyscallArgument.Unknown("buf"), SyscallArgument.Unknown("count") }),
            },
            AccessScope.MlockExempt => new[]
            {
                own,
                new SyscallCall("mmap", abi.Mmap, new[] { SyscallArgument.Exactly(0, "NULL"), SyscallArgument.Unknown("length"),
                    SyscallArgument.Exactly(3, "PROT_READ|PROT_WRITE"), SyscallArgument.Exactly(1, "MAP_SHARED"), fd, SyscallArgument.Exactly(0) }),
            },
            _ => new[] { own },
        };
    }

    /// <summary>
    /// Seccomp runs at system call entry, before any permission check: a filter that makes a call fail decides;
    /// one that lets it run leaves the permission rules to decide; one whose answer the module cannot know makes the
    /// prediction Unknown unless the permission rules deny anyway.
    /// </summary>
    private static Outcome ApplySeccomp(SeccompState seccomp, IReadOnlyList<SyscallCall> calls, bool allowed, string reason, string requires)
    {
        string without = allowed ? " The permission rules alone would allow it." : " The permission rules would deny it as well: " + Lower(reason);
        if (seccomp.Filters is not { } filters || calls.Count == 0)
        {
            string why = seccomp.Unreadable ?? "this architecture's system call numbers are not known to the module";
            return allowed
                ? new Outcome(AccessVerdict.Unknown, reason.TrimEnd('.') + $", but a seccomp filter (mode 2) is active and {why}: it may refuse the call first.",
                    requires + "; and a seccomp profile that lets the call through (read as root to check)", null, null)
                : new Outcome(AccessVerdict.Denied, reason.TrimEnd('.') + $" (a seccomp filter is active too, unread: {why}).", requires, null, null);
        }

        var judgements = calls.Select(c => SeccompJudge.Judge(filters, c, seccomp.Abi!.AuditArch, seccomp.Context)).ToList();
        string profile = "; and a seccomp profile that lets " + string.Join(" and ", calls.Select(c => c.Name)) + " through";
        if (judgements.FirstOrDefault(j => j.Effect == SeccompEffect.Fails) is { } fails)
        {
            SeccompPossibility? d = fails.Decisive;
            string action = string.Join(" or ", fails.Possibilities.Select(p => p.Return.Text).Distinct());
            return new Outcome(AccessVerdict.Denied, fails.Sentence + without, requires + profile, d?.Filter, action);
        }
        if (judgements.All(j => j.Effect == SeccompEffect.Runs))
        {
            SeccompPossibility? logged = judgements.Select(j => j.Decisive).FirstOrDefault(p => p?.Return.Action == SeccompAction.Log);
            string sentences = judgements.All(j => j.Decisive is { Filter: null })
                ? SeccompJudgement.AllowSentence(filters.Count, calls)
                : string.Join(" ", judgements.Select(j => j.Sentence).Distinct());
            return new Outcome(allowed ? AccessVerdict.Allowed : AccessVerdict.Denied, reason + " " + sentences, requires,
                logged?.Filter, logged is not null ? "LOG" : judgements.All(j => j.Decisive is not null) ? "ALLOW" : "ALLOW or LOG");
        }
        SeccompJudgement open = judgements.First(j => j.Effect != SeccompEffect.Runs);
        bool delegated = open.Possibilities.Any(p => p.Effect == SeccompEffect.Delegated) || !open.Complete;
        string actions = string.Join(" or ", open.Possibilities.Select(p => p.Return.Text).Distinct());
        if (!allowed && !delegated)
            return new Outcome(AccessVerdict.Denied, reason.TrimEnd('.') + ". " + open.Sentence, requires, null, actions);
        return new Outcome(AccessVerdict.Unknown, open.Sentence + without, requires + profile, open.Decisive?.Filter, actions);
    }

    private sealed record Context(KernelFacts K, SubjectFacts S, bool Perfmon, bool SysAdmin, bool PerfmonCapable, bool PerfmonKnown,
        CapabilitySet Caps, string? FileNote)
    {
        public int Level => K.ParanoidLevel;
        public bool Gated => ParanoidLevel.DeniesAll(K.ParanoidLevel, K.Flavor);
        public int GateMaximum => K.Flavor == KernelFlavor.Ubuntu ? 3 : 2;
        public string PerfmonCap => PerfmonKnown ? "CAP_PERFMON or CAP_SYS_ADMIN" : $"CAP_SYS_ADMIN (no CAP_PERFMON before kernel 5.8)";
        public string Bypass => Perfmon ? "CAP_PERFMON" : "CAP_SYS_ADMIN";
        public string FileSource => S.File is not null ? " (for example a file capability on the binary)" : "";

        /// <summary>Ends a sentence, adding the reason the file's capabilities did not count where they could have mattered.</summary>
        public string End(string sentence, bool mentionFile = true)
            => mentionFile && FileNote is not null ? $"{sentence} ({FileNote})." : sentence + ".";
    }

    private static (bool, string, string) Gate(Context c)
        => (false,
            c.End($"perf_event_paranoid {c.Level} on a {c.K.Flavor} kernel denies every perf_event_open to processes without CAP_SYS_ADMIN, and CAP_PERFMON does not pass this gate"),
            $"CAP_SYS_ADMIN, or perf_event_paranoid <= {c.GateMaximum}");

    private static (bool, string, string) UserProfiling(Context c)
    {
        string requires = c.Gated || c.K.Flavor != KernelFlavor.Mainline
            ? $"perf_event_paranoid <= {c.GateMaximum} on this {c.K.Flavor} kernel, or CAP_SYS_ADMIN"
            : "nothing on a mainline kernel (any perf_event_paranoid value allows it)";
        if (c.Gated)
        {
            return c.SysAdmin
                ? (true, $"CAP_SYS_ADMIN passes the {c.K.Flavor} restriction at perf_event_paranoid {c.Level}, and user-space profiling of its own processes is always allowed.", requires)
                : (false, Gate(c).Item2, requires);
        }
        return (true, $"perf_event_paranoid {c.Level} lets every process profile its own processes in user space.", requires);
    }

    /// <summary>The scopes a paranoid level opens below a threshold and perfmon_capable() opens always.</summary>
    private static (bool, string, string) Threshold(Context c, int threshold, string what)
    {
        string requires = $"{c.PerfmonCap}{c.FileSource}, or perf_event_paranoid <= {threshold}";
        if (c.Gated && !c.SysAdmin)
            return (false, Gate(c).Item2, $"CAP_SYS_ADMIN, or perf_event_paranoid <= {Math.Min(threshold, c.GateMaximum)} (CAP_PERFMON does not pass the {c.K.Flavor} gate at {c.Level})");
        if (c.PerfmonCapable)
            return (true, $"{c.Bypass} lifts the perf_event_paranoid limits on {what}.", requires);
        if (c.Level <= threshold)
            return (true, $"perf_event_paranoid {c.Level} (<= {threshold}) allows {what} without privilege.", requires);
        string missing = c.PerfmonKnown ? "neither CAP_PERFMON nor CAP_SYS_ADMIN" : "no CAP_SYS_ADMIN, and kernel " + c.K.Version + " has no CAP_PERFMON";
        return (false, c.End($"perf_event_paranoid {c.Level} (> {threshold}) forbids {what}, and the subject has {missing}"), requires);
    }

    private static (bool, string, string) OtherUsers(Context c)
    {
        bool ptrace = c.Caps.Contains(CapabilityTable.SysPtrace);
        bool modern = c.K.Version >= PerfmonForOtherTasksSince;
        string requires = modern
            ? $"{c.PerfmonCap}{c.FileSource}, or CAP_SYS_PTRACE (ptrace read access to the target)"
            : $"CAP_SYS_PTRACE (ptrace read access to the target): before kernel 5.9 CAP_PERFMON is not enough";
        if (c.Gated && !c.SysAdmin)
            return (false, Gate(c).Item2, "CAP_SYS_ADMIN, or perf_event_paranoid <= " + c.GateMaximum + " and then " + requires);
        if (modern && c.PerfmonCapable)
            return (true, $"{c.Bypass} allows attaching events to other users' processes (kernel 5.9 and later).", requires);
        if (ptrace)
            return (true, "CAP_SYS_PTRACE passes the ptrace read-access check that guards other users' processes.", requires);
        if (!modern && c.PerfmonCapable && !c.SysAdmin)
            return (false, c.End($"Before kernel 5.9 (this is {c.K.Version}) another user's process needs ptrace read access, which CAP_PERFMON does not give"), requires);
        return (false, c.End($"Another user's process needs {(modern ? "CAP_PERFMON, CAP_SYS_ADMIN or " : "")}ptrace read access (CAP_SYS_PTRACE), and the subject has none of them"), requires);
    }

    private static (bool, string, string) KernelAddresses(Context c)
    {
        bool syslog = c.Caps.Contains(CapabilityTable.Syslog);
        int kptr = c.K.KptrRestrict;
        if (kptr >= 2)
            return (false, $"kptr_restrict {kptr} hides kernel addresses in /proc/kallsyms from everyone, root included.",
                "kernel.kptr_restrict <= 1 together with CAP_SYSLOG");
        if (kptr == 1)
        {
            const string RequiresAtOne = "CAP_SYSLOG, or kernel.kptr_restrict 0 with perf_event_paranoid <= 1";
            return syslog
                ? (true, "kptr_restrict 1 shows kernel addresses in /proc/kallsyms to CAP_SYSLOG, which the subject has.", RequiresAtOne)
                : (false, c.End("kptr_restrict 1 shows kernel addresses in /proc/kallsyms only to CAP_SYSLOG, which the subject lacks (CAP_PERFMON does not count)"), RequiresAtOne);
        }
        const string RequiresAtZero = "CAP_SYSLOG, or perf_event_paranoid <= 1";
        if (c.Level <= 1)
            return (true, $"kptr_restrict 0 with perf_event_paranoid {c.Level} (<= 1) shows kernel addresses in /proc/kallsyms to everyone.", RequiresAtZero);
        return syslog
            ? (true, $"CAP_SYSLOG shows kernel addresses in /proc/kallsyms at kptr_restrict 0 and perf_event_paranoid {c.Level}.", RequiresAtZero)
            : (false, c.End($"kptr_restrict 0 with perf_event_paranoid {c.Level} (> 1) shows kernel addresses only to CAP_SYSLOG, which the subject lacks (CAP_PERFMON does not count)"), RequiresAtZero);
    }

    private static (bool, string, string) Mlock(Context c)
    {
        string requires = "CAP_IPC_LOCK" + c.FileSource + ", or perf_event_paranoid -1 (CAP_PERFMON does not exempt)";
        if (c.Caps.Contains(CapabilityTable.IpcLock))
            return (true, "CAP_IPC_LOCK exempts the subject's perf ring buffers from perf_event_mlock_kb and RLIMIT_MEMLOCK.", requires);
        if (c.Level <= -1)
            return (true, $"perf_event_paranoid {c.Level} lifts the perf_event_mlock_kb limit for every process.", requires);
        return (false, c.End($"Ring buffers beyond perf_event_mlock_kb per CPU count against RLIMIT_MEMLOCK, because the subject lacks CAP_IPC_LOCK and perf_event_paranoid {c.Level} is above -1"), requires);
    }

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    // "Another user's process…" continues a sentence; "CAP_SYS_ADMIN…" keeps its case.
    private static string Lower(string s) => s.Length > 1 && char.IsUpper(s[0]) && char.IsLower(s[1]) ? char.ToLowerInvariant(s[0]) + s[1..] : s;
}
