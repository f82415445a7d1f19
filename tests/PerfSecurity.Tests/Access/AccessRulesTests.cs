using PerfSecurity.Access;
using PerfSecurity.Capabilities;
using PerfSecurity.Native;
using PerfSecurity.Seccomp;
using PerfSecurity.Settings;
using Xunit;

namespace PerfSecurity.Tests.Access;

public sealed class AccessRulesTests
{
    private static readonly CapabilitySet All = CapabilitySet.FirstN(41);
    private static readonly Version Modern = new(6, 18);

    private static KernelFacts Kernel(int level, KernelFlavor flavor = KernelFlavor.Mainline, Version? version = null, int kptr = 0)
        => new(level, flavor, version ?? Modern, kptr);

    private static SubjectFacts Process(params int[] caps) => new("process 42 (t)", 1000,
        CapabilitySet.Of(caps), CapabilitySet.Of(caps), CapabilitySet.Empty, All, CapabilitySet.Empty,
        InitialUserNamespace: true, NoNewPrivs: false, Seccomp: 0, ProcessId: 42, UserName: "u");

    private static SubjectFacts User(uint uid = 1000) => SubjectFacts.Login("u", uid, All);

    private static FileCapabilityData FileCaps(bool effective, params int[] caps) => new(CapabilitySet.Of(caps), CapabilitySet.Empty, effective);

    private static SubjectFacts Running(SubjectFacts s, FileCapabilityData? caps, bool executable = true, bool nosuid = false, bool setuidRoot = false)
        => s with { File = new ExecutedFile("/opt/perf", caps, executable, nosuid, setuidRoot) };

    private static Dictionary<AccessScope, AccessRule> Decide(KernelFacts k, SubjectFacts s)
        => AccessRules.Decide(k, s).ToDictionary(r => r.Scope);

    private static bool Allowed(KernelFacts k, SubjectFacts s, AccessScope scope) => Decide(k, s)[scope].Allowed == true;

    [Fact]
    public void Gives_one_rule_per_scope_in_order()
    {
        var rules = AccessRules.Decide(Kernel(2), Process());
        Assert.Equal(Enum.GetValues<AccessScope>(), rules.Select(r => r.Scope));
        Assert.All(rules, r =>
        {
            Assert.Equal("process 42 (t)", r.Subject);
            Assert.Equal(2, r.ParanoidLevel);
            Assert.False(string.IsNullOrWhiteSpace(r.Reason));
            Assert.False(string.IsNullOrWhiteSpace(r.Requires));
            Assert.EndsWith(".", r.Reason);
        });
    }

    // Unprivileged process on a mainline kernel: each level opens one more scope.
    [Theory]
    //          level user   kernel cpu    raw    other  mlock
    [InlineData(-5, true, true, true, true, false, true)]
    [InlineData(-1, true, true, true, true, false, true)]
    [InlineData(0, true, true, true, false, false, false)]
    [InlineData(1, true, true, false, false, false, false)]
    [InlineData(2, true, false, false, false, false, false)]
    [InlineData(3, true, false, false, false, false, false)]
    [InlineData(4, true, false, false, false, false, false)]
    public void Paranoid_levels_open_scopes_for_unprivileged_processes(int level, bool user, bool kernel, bool cpu, bool raw, bool other, bool mlock)
    {
        var r = Decide(Kernel(level), Process());
        Assert.Equal(user, r[AccessScope.UserProfiling].Allowed);
        Assert.Equal(kernel, r[AccessScope.KernelProfiling].Allowed);
        Assert.Equal(cpu, r[AccessScope.CpuWide].Allowed);
        Assert.Equal(raw, r[AccessScope.RawTracepoints].Allowed);
        Assert.Equal(other, r[AccessScope.OtherUsersProcesses].Allowed);
        Assert.Equal(mlock, r[AccessScope.MlockExempt].Allowed);
    }

    [Theory]
    [InlineData(CapabilityTable.Perfmon)]
    [InlineData(CapabilityTable.SysAdmin)]
    public void Perfmon_capable_bypasses_every_level_on_mainline(int cap)
    {
        foreach (int level in new[] { -1, 0, 1, 2, 3, 4 })
        {
            var r = Decide(Kernel(level), Process(cap));
            Assert.True(r[AccessScope.KernelProfiling].Allowed);
            Assert.True(r[AccessScope.CpuWide].Allowed);
            Assert.True(r[AccessScope.RawTracepoints].Allowed);
            Assert.True(r[AccessScope.OtherUsersProcesses].Allowed);
            Assert.Contains(cap == CapabilityTable.Perfmon ? "CAP_PERFMON" : "CAP_SYS_ADMIN", r[AccessScope.CpuWide].Reason);
        }
    }

    [Theory]
    [InlineData(KernelFlavor.Debian, 3)]
    [InlineData(KernelFlavor.Debian, 4)]
    [InlineData(KernelFlavor.Ubuntu, 4)]
    public void Restrict_gate_denies_even_cap_perfmon(KernelFlavor flavor, int level)
    {
        var r = Decide(Kernel(level, flavor), Process(CapabilityTable.Perfmon, CapabilityTable.SysPtrace));
        foreach (var scope in new[] { AccessScope.UserProfiling, AccessScope.KernelProfiling, AccessScope.CpuWide, AccessScope.RawTracepoints, AccessScope.OtherUsersProcesses })
        {
            Assert.False(r[scope].Allowed, scope.ToString());
            Assert.Contains("CAP_SYS_ADMIN", r[scope].Reason);
            Assert.Contains(flavor.ToString(), r[scope].Reason);
            Assert.Contains("CAP_SYS_ADMIN", r[scope].Requires);
        }
        // The gate guards perf_event_open only.
        Assert.False(r[AccessScope.MlockExempt].Allowed);
    }

    [Theory]
    [InlineData(KernelFlavor.Debian, 3)]
    [InlineData(KernelFlavor.Ubuntu, 4)]
    public void Restrict_gate_lets_cap_sys_admin_through(KernelFlavor flavor, int level)
    {
        var r = Decide(Kernel(level, flavor), Process(CapabilityTable.SysAdmin));
        Assert.All(r.Values.Where(x => x.Scope is not (AccessScope.KernelAddresses or AccessScope.MlockExempt)), x => Assert.True(x.Allowed, x.Scope.ToString()));
    }

    [Fact]
    public void Ubuntu_level_3_acts_as_level_2()
    {
        var ubuntu = Decide(Kernel(3, KernelFlavor.Ubuntu), Process());
        var mainline = Decide(Kernel(2), Process());
        foreach (var scope in Enum.GetValues<AccessScope>())
            Assert.Equal(mainline[scope].Allowed, ubuntu[scope].Allowed);
        Assert.True(Allowed(Kernel(3, KernelFlavor.Ubuntu), Process(CapabilityTable.Perfmon), AccessScope.CpuWide));
        Assert.False(Allowed(Kernel(3, KernelFlavor.Debian), Process(CapabilityTable.Perfmon), AccessScope.CpuWide));
    }

    [Fact]
    public void Debian_level_2_is_not_gated()
    {
        Assert.True(Allowed(Kernel(2, KernelFlavor.Debian), Process(), AccessScope.UserProfiling));
        Assert.True(Allowed(Kernel(2, KernelFlavor.Debian), Process(CapabilityTable.Perfmon), AccessScope.KernelProfiling));
    }

    [Fact]
    public void Kernel_5_7_has_no_cap_perfmon()
    {
        var r = Decide(Kernel(2, version: new Version(5, 7)), Process(CapabilityTable.Perfmon));
        Assert.False(r[AccessScope.KernelProfiling].Allowed);
        Assert.False(r[AccessScope.CpuWide].Allowed);
        Assert.False(r[AccessScope.OtherUsersProcesses].Allowed);
        Assert.Contains(r[AccessScope.CpuWide].Notes, n => n.Contains("5.8"));
        Assert.DoesNotContain("CAP_PERFMON or", r[AccessScope.CpuWide].Requires);
        // CAP_SYS_ADMIN still works there.
        Assert.True(Allowed(Kernel(2, version: new Version(5, 7)), Process(CapabilityTable.SysAdmin), AccessScope.CpuWide));
    }

    [Fact]
    public void Kernel_5_8_needs_ptrace_for_other_users_processes()
    {
        var v58 = new Version(5, 8);
        Assert.True(Allowed(Kernel(2, version: v58), Process(CapabilityTable.Perfmon), AccessScope.KernelProfiling));
        var r = Decide(Kernel(2, version: v58), Process(CapabilityTable.Perfmon));
        Assert.False(r[AccessScope.OtherUsersProcesses].Allowed);
        Assert.Contains("5.9", r[AccessScope.OtherUsersProcesses].Reason);
        Assert.Contains("CAP_SYS_PTRACE", r[AccessScope.OtherUsersProcesses].Requires);
        Assert.True(Allowed(Kernel(2, version: v58), Process(CapabilityTable.Perfmon, CapabilityTable.SysPtrace), AccessScope.OtherUsersProcesses));
        Assert.True(Allowed(Kernel(2, version: new Version(5, 9)), Process(CapabilityTable.Perfmon), AccessScope.OtherUsersProcesses));
    }

    [Fact]
    public void Ptrace_alone_reaches_other_users_processes_but_nothing_else()
    {
        var r = Decide(Kernel(2), Process(CapabilityTable.SysPtrace));
        Assert.True(r[AccessScope.OtherUsersProcesses].Allowed);
        Assert.False(r[AccessScope.KernelProfiling].Allowed);
        Assert.False(r[AccessScope.CpuWide].Allowed);
        // The paranoid level does not open other users' processes.
        Assert.False(Allowed(Kernel(-1), Process(), AccessScope.OtherUsersProcesses));
    }

    [Theory]
    //          kptr level  syslog expected
    [InlineData(0, -1, false, true)]
    [InlineData(0, 1, false, true)]
    [InlineData(0, 2, false, false)]
    [InlineData(0, 2, true, true)]
    [InlineData(1, -1, false, false)]
    [InlineData(1, 2, true, true)]
    [InlineData(1, 0, false, false)]
    [InlineData(2, -1, true, false)]
    [InlineData(2, 2, true, false)]
    public void Kallsyms_addresses_follow_kptr_restrict(int kptr, int level, bool syslog, bool expected)
    {
        var s = syslog ? Process(CapabilityTable.Syslog) : Process();
        var r = Decide(Kernel(level, kptr: kptr), s)[AccessScope.KernelAddresses];
        Assert.Equal(expected, r.Allowed);
        Assert.Contains($"kptr_restrict {kptr}", r.Reason);
    }

    [Fact]
    public void Kallsyms_ignores_cap_perfmon_and_root_sees_nothing_at_kptr_2()
    {
        Assert.False(Allowed(Kernel(2), Process(CapabilityTable.Perfmon), AccessScope.KernelAddresses));
        Assert.False(Allowed(Kernel(-1, kptr: 2), User(0), AccessScope.KernelAddresses));
        Assert.True(Allowed(Kernel(2, kptr: 1), User(0), AccessScope.KernelAddresses));
    }

    [Fact]
    public void Mlock_exemption_needs_cap_ipc_lock_or_level_minus_1()
    {
        Assert.True(Allowed(Kernel(2), Process(CapabilityTable.IpcLock), AccessScope.MlockExempt));
        Assert.True(Allowed(Kernel(-1), Process(), AccessScope.MlockExempt));
        Assert.False(Allowed(Kernel(0), Process(CapabilityTable.Perfmon, CapabilityTable.SysAdmin), AccessScope.MlockExempt));
        Assert.True(Allowed(Kernel(2), User(0), AccessScope.MlockExempt));
    }

    [Fact]
    public void Root_may_do_everything_except_what_kptr_restrict_2_hides()
    {
        foreach (var flavor in Enum.GetValues<KernelFlavor>())
            foreach (int level in new[] { -1, 0, 1, 2, 3, 4 })
                Assert.All(AccessRules.Decide(Kernel(level, flavor), User(0)), r => Assert.True(r.Allowed, $"{flavor} {level} {r.Scope}"));
    }

    [Fact]
    public void A_plain_login_has_no_capabilities()
    {
        var r = Decide(Kernel(2), User());
        Assert.Empty(r[AccessScope.CpuWide].Capabilities);
        Assert.False(r[AccessScope.CpuWide].Allowed);
    }

    [Fact]
    public void File_capabilities_with_the_effective_bit_count_for_a_user()
    {
        var s = Running(User(), FileCaps(true, CapabilityTable.Perfmon));
        var r = Decide(Kernel(2), s);
        Assert.True(r[AccessScope.CpuWide].Allowed);
        Assert.Equal(new[] { "cap_perfmon" }, r[AccessScope.CpuWide].Capabilities);
        Assert.Equal("user u running /opt/perf", r[AccessScope.CpuWide].Subject);
        Assert.Equal("/opt/perf", r[AccessScope.CpuWide].FilePath);
    }

    [Fact]
    public void File_capabilities_without_the_effective_bit_stay_permitted_only()
    {
        var r = Decide(Kernel(2), Running(User(), FileCaps(false, CapabilityTable.Perfmon)));
        Assert.False(r[AccessScope.CpuWide].Allowed);
    }

    [Fact]
    public void Nosuid_mount_ignores_file_capabilities_and_says_so()
    {
        var r = Decide(Kernel(2), Running(User(), FileCaps(true, CapabilityTable.Perfmon), nosuid: true))[AccessScope.CpuWide];
        Assert.False(r.Allowed);
        Assert.Contains("nosuid", r.Reason);
        Assert.Contains(r.Notes, n => n.Contains("nosuid"));
    }

    [Fact]
    public void No_new_privs_ignores_file_capabilities_and_says_so()
    {
        var s = Running(User() with { NoNewPrivs = true }, FileCaps(true, CapabilityTable.Perfmon, CapabilityTable.IpcLock));
        var r = Decide(Kernel(2), s);
        Assert.False(r[AccessScope.CpuWide].Allowed);
        Assert.False(r[AccessScope.MlockExempt].Allowed);
        Assert.Contains("no_new_privs", r[AccessScope.CpuWide].Reason);
    }

    [Fact]
    public void No_new_privs_keeps_capabilities_already_permitted()
    {
        var s = Running(Process(CapabilityTable.Perfmon) with { NoNewPrivs = true }, FileCaps(true, CapabilityTable.Perfmon));
        Assert.True(Allowed(Kernel(2), s, AccessScope.CpuWide));
    }

    [Fact]
    public void A_file_the_user_cannot_execute_gives_nothing()
    {
        var r = Decide(Kernel(2), Running(User(), FileCaps(true, CapabilityTable.Perfmon), executable: false))[AccessScope.CpuWide];
        Assert.False(r.Allowed);
        Assert.Contains("cannot execute", r.Reason);
    }

    [Fact]
    public void Setuid_root_makes_root_unless_nosuid_or_no_new_privs()
    {
        Assert.True(Allowed(Kernel(2), Running(User(), null, setuidRoot: true), AccessScope.CpuWide));
        Assert.False(Allowed(Kernel(2), Running(User(), null, setuidRoot: true, nosuid: true), AccessScope.CpuWide));
        Assert.False(Allowed(Kernel(2), Running(User() with { NoNewPrivs = true }, null, setuidRoot: true), AccessScope.CpuWide));
    }

    [Fact]
    public void Namespaced_file_capabilities_do_not_count_in_the_initial_namespace()
    {
        var caps = FileCaps(true, CapabilityTable.Perfmon) with { RootId = 100000, Revision = 3 };
        var r = Decide(Kernel(2), Running(User(), caps))[AccessScope.CpuWide];
        Assert.False(r.Allowed);
        Assert.Contains("rootid 100000", r.Reason);
        Assert.True(Allowed(Kernel(2), Running(User(), caps with { RootId = 0 }), AccessScope.CpuWide));
    }

    [Fact]
    public void Exec_without_file_capabilities_keeps_only_the_ambient_set()
    {
        var process = Process(CapabilityTable.Perfmon);
        Assert.False(Allowed(Kernel(2), Running(process, null), AccessScope.CpuWide));
        var ambient = process with { Ambient = CapabilitySet.Of(CapabilityTable.Perfmon), Inheritable = CapabilitySet.Of(CapabilityTable.Perfmon) };
        Assert.True(Allowed(Kernel(2), Running(ambient, null), AccessScope.CpuWide));
    }

    [Fact]
    public void Root_running_any_executable_file_stays_root()
        => Assert.True(Allowed(Kernel(2), Running(User(0), null), AccessScope.RawTracepoints));

    [Fact]
    public void Capabilities_outside_the_initial_user_namespace_do_not_count()
    {
        var s = Process(CapabilityTable.SysAdmin, CapabilityTable.Perfmon) with { InitialUserNamespace = false, Uid = 0 };
        var r = Decide(Kernel(2), s);
        Assert.False(r[AccessScope.CpuWide].Allowed);
        Assert.Empty(r[AccessScope.CpuWide].Capabilities);
        Assert.Contains(r[AccessScope.CpuWide].Notes, n => n.Contains("user namespace"));
    }

    [Fact]
    public void Unread_seccomp_filter_makes_allowed_scopes_unknown_strict_mode_denies()
    {
        var filtered = Decide(Kernel(2), Process() with { Seccomp = 2 });
        Assert.Contains("seccomp", filtered[AccessScope.UserProfiling].Reason);
        Assert.Equal(AccessVerdict.Unknown, filtered[AccessScope.UserProfiling].Verdict);
        Assert.Null(filtered[AccessScope.UserProfiling].Allowed);
        // What the permission rules deny stays denied: a filter can only refuse earlier.
        Assert.Equal(AccessVerdict.Denied, filtered[AccessScope.CpuWide].Verdict);
        var strict = Decide(Kernel(-1), Process(CapabilityTable.SysAdmin) with { Seccomp = 1 });
        Assert.All(strict.Values, r => Assert.False(r.Allowed));
    }

    private static SubjectFacts Filtered(SubjectFacts s, params BpfInstruction[][] programs) => s with
    {
        Seccomp = 2,
        SeccompState = new SeccompState(2, programs.Select((p, i) => new SeccompFilterProgram(i, p)).ToList(), null,
            SyscallAbi.X64, new SeccompContext(0, false), 42, Array.Empty<string>()),
    };

    private static BpfInstruction[] PerfEventOpen(uint action) => new BpfInstruction[]
    {
        new(0x20, 0, 0, 0), new(0x15, 0, 1, 298), new(0x06, 0, 0, action), new(0x06, 0, 0, SeccompReturn.Allow),
    };

    [Fact]
    public void A_seccomp_errno_denies_every_perf_event_open_scope_even_with_capabilities()
    {
        var r = Decide(Kernel(-1), Filtered(Process(CapabilityTable.SysAdmin, CapabilityTable.IpcLock), PerfEventOpen(SeccompReturn.Errno | 1)));
        foreach (var scope in Enum.GetValues<AccessScope>().Where(x => x != AccessScope.KernelAddresses))
        {
            Assert.Equal(AccessVerdict.Denied, r[scope].Verdict);
            Assert.Equal(0, r[scope].SeccompFilter);
            Assert.Equal("ERRNO(EPERM)", r[scope].SeccompAction);
            Assert.StartsWith("Seccomp filter 0 (the only one) returns ERRNO(EPERM) for perf_event_open", r[scope].Reason);
        }
        Assert.Equal(AccessVerdict.Allowed, r[AccessScope.KernelAddresses].Verdict);
        Assert.Equal("ALLOW", r[AccessScope.KernelAddresses].SeccompAction);
    }

    [Fact]
    public void Stacked_filters_pick_the_newest_of_equal_actions_and_log_lets_through()
    {
        // Filter 0: cpu != -1 -> ERRNO(EACCES), else LOG. Filter 1: pid == -1 -> ERRNO(ENODEV), else ALLOW.
        BpfInstruction[] older = { new(0x20, 0, 0, 0), new(0x15, 0, 4, 298), new(0x20, 0, 0, 32), new(0x15, 0, 1, 0xffffffff),
            new(0x06, 0, 0, SeccompReturn.Log), new(0x06, 0, 0, SeccompReturn.Errno | 13), new(0x06, 0, 0, SeccompReturn.Allow) };
        BpfInstruction[] newer = { new(0x20, 0, 0, 0), new(0x15, 0, 3, 298), new(0x20, 0, 0, 24), new(0x15, 0, 1, 0xffffffff),
            new(0x06, 0, 0, SeccompReturn.Errno | 19), new(0x06, 0, 0, SeccompReturn.Allow) };
        var r = Decide(Kernel(-1), Filtered(Process(), older, newer));
        Assert.Equal(AccessVerdict.Denied, r[AccessScope.CpuWide].Verdict);
        Assert.Equal(("ERRNO(ENODEV)", 1), (r[AccessScope.CpuWide].SeccompAction, r[AccessScope.CpuWide].SeccompFilter));
        Assert.Equal(AccessVerdict.Allowed, r[AccessScope.UserProfiling].Verdict);
        Assert.Equal(("LOG", 0), (r[AccessScope.UserProfiling].SeccompAction, r[AccessScope.UserProfiling].SeccompFilter));
        // Another user's pid is never -1: filter 1 allows it whatever the pid is.
        Assert.Equal("LOG", r[AccessScope.OtherUsersProcesses].SeccompAction);
    }

    [Fact]
    public void A_filter_that_depends_on_the_callers_arguments_makes_allowed_scopes_unknown()
    {
        // args[3] (group_fd) compared as a full 64-bit -1: its high word depends on the caller's compiler.
        BpfInstruction[] p = { new(0x20, 0, 0, 0), new(0x15, 0, 5, 298), new(0x20, 0, 0, 44), new(0x15, 0, 2, 0xffffffff),
            new(0x20, 0, 0, 40), new(0x15, 1, 0, 0xffffffff), new(0x06, 0, 0, SeccompReturn.Errno | 1), new(0x06, 0, 0, SeccompReturn.Allow) };
        var r = Decide(Kernel(2), Filtered(Process(), p));
        Assert.Equal(AccessVerdict.Unknown, r[AccessScope.UserProfiling].Verdict);
        Assert.Null(r[AccessScope.UserProfiling].Allowed);
        Assert.Contains("args[3] (high 32 bits)", r[AccessScope.UserProfiling].Reason);
        // Where the permission rules deny anyway, the filter cannot change that.
        Assert.Equal(AccessVerdict.Denied, r[AccessScope.CpuWide].Verdict);
        Assert.False(r[AccessScope.CpuWide].Allowed);
    }

    [Fact]
    public void A_tracer_or_supervisor_that_decides_makes_the_verdict_unknown()
    {
        var s = Filtered(Process(), PerfEventOpen(SeccompReturn.Trace));
        Assert.Equal(AccessVerdict.Denied, Decide(Kernel(2), s)[AccessScope.UserProfiling].Verdict);
        var traced = s with { SeccompState = s.SeccompState! with { Context = new SeccompContext(99, false) } };
        Assert.Equal(AccessVerdict.Unknown, Decide(Kernel(2), traced)[AccessScope.UserProfiling].Verdict);
        Assert.Equal(AccessVerdict.Unknown, Decide(Kernel(2), traced)[AccessScope.CpuWide].Verdict);
    }

    [Fact]
    public void An_unreadable_filter_is_named_with_its_reason()
    {
        var s = Process() with { Seccomp = 2, SeccompState = new SeccompState(2, null, "only root may read it", SyscallAbi.X64, new SeccompContext(0, false), 42, Array.Empty<string>()) };
        var r = Decide(Kernel(2), s)[AccessScope.UserProfiling];
        Assert.Equal(AccessVerdict.Unknown, r.Verdict);
        Assert.Contains("only root may read it", r.Reason);
        Assert.Contains(r.Notes, n => n.Contains("could not be read"));
    }

    [Fact]
    // 16 = cap_sys_module, 17 = cap_sys_rawio.
    public void File_capabilities_beyond_the_bounding_set_with_the_effective_bit_fail_the_exec()
    {
        var bounding = All.Without(16).Without(17);
        var process = Process() with { Bounding = bounding };
        var all = new FileCapabilityData(CapabilitySet.FirstN(64), CapabilitySet.Empty, true);
        var r = Decide(Kernel(-1), Running(process, all));
        Assert.All(r.Values, x => Assert.Equal(AccessVerdict.Denied, x.Verdict));
        Assert.All(r.Values, x => Assert.Contains("fails with EPERM", x.Reason));
        Assert.Contains("cap_sys_module, cap_sys_rawio", r[AccessScope.UserProfiling].Reason);
        // Root is refused the same way.
        Assert.Equal(AccessVerdict.Denied, Decide(Kernel(-1), Running(User(0) with { Bounding = bounding }, all))[AccessScope.UserProfiling].Verdict);
        // Bits beyond the kernel's last capability are dropped, so a full bounding set runs it.
        Assert.True(Allowed(Kernel(2), Running(Process(), all), AccessScope.CpuWide));
        // Without the effective bit the missing capabilities are silently not granted.
        Assert.True(Allowed(Kernel(2), Running(process, all with { Effective = false }), AccessScope.UserProfiling));
        // A capability in both inheritable sets is granted although the bounding set lacks it.
        var inheritable = process with { Inheritable = CapabilitySet.Of(16, 17) };
        var both = all with { Inheritable = CapabilitySet.Of(16, 17) };
        Assert.True(Allowed(Kernel(2), Running(inheritable, both), AccessScope.CpuWide));
    }

    [Fact]
    public void A_set_user_id_root_file_with_file_capabilities_gives_only_those_to_a_user()
    {
        var r = Decide(Kernel(2), Running(User(), FileCaps(true, CapabilityTable.IpcLock), setuidRoot: true));
        Assert.False(r[AccessScope.CpuWide].Allowed);
        Assert.True(r[AccessScope.MlockExempt].Allowed);
        Assert.Contains(r[AccessScope.CpuWide].Notes, n => n.Contains("set-user-ID root bit"));
        Assert.True(Allowed(Kernel(2), Running(User(), null, setuidRoot: true), AccessScope.CpuWide));
    }

    [Theory]
    [InlineData("         0          0 4294967295\n", true)]
    [InlineData("0 0 4294967295", true)]
    [InlineData("         0       1000          1\n", false)]
    [InlineData("", false)]
    public void Initial_namespace_is_told_by_the_identity_uid_map(string map, bool expected)
        => Assert.Equal(expected, PerfSecurity.Namespaces.ProcessNamespaces.IsInitialUidMap(map));

    private static FileStatus Entry(uint mode, uint uid, uint gid) => new(mode, uid, gid, 0, 1, 1, 1);

    [Fact]
    public void Execute_permission_follows_owner_group_other_and_directories()
    {
        var file750 = Entry(0x8000 | 0x1E8, 0, 500);   // -rwxr-x--- root:perf_users
        var dir755 = Entry(0x4000 | 0x1ED, 0, 0);
        var dir700 = Entry(0x4000 | 0x1C0, 0, 0);
        uint[] none = Array.Empty<uint>();
        Assert.False(AccessSubjects.CanExecute(new[] { file750, dir755 }, 1000, 1000, none));
        Assert.True(AccessSubjects.CanExecute(new[] { file750, dir755 }, 1000, 1000, new uint[] { 500 }));
        Assert.True(AccessSubjects.CanExecute(new[] { file750, dir755 }, 1000, 500, none));
        Assert.False(AccessSubjects.CanExecute(new[] { file750, dir700 }, 1000, 500, none));
        // The owner class decides for the owner, even when "other" could execute.
        var file607 = Entry(0x8000 | 0x187, 1000, 1000);
        Assert.False(AccessSubjects.CanExecute(new[] { file607, dir755 }, 1000, 1000, none));
        Assert.True(AccessSubjects.CanExecute(new[] { file607, dir755 }, 1001, 1001, none));
        // Root needs one execute bit on the file, none on directories.
        Assert.True(AccessSubjects.CanExecute(new[] { file750, dir700 }, 0, 0, none));
        Assert.False(AccessSubjects.CanExecute(new[] { Entry(0x8000 | 0x1A4, 0, 0), dir755 }, 0, 0, none));
    }
}
