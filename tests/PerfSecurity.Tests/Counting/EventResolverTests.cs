using PerfSecurity.Counting;
using PerfSecurity.Errors;
using PerfSecurity.Native;
using Xunit;

namespace PerfSecurity.Tests.Counting;

public sealed class EventResolverTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "counting");
    private readonly EventResolver _resolver = new(Path.Combine(Fixtures, "pmu"), Path.Combine(Fixtures, "tracing"));

    [Theory]
    [InlineData("task-clock", PerfEvents.TypeSoftware, 1UL)]
    [InlineData("cpu-clock", PerfEvents.TypeSoftware, 0UL)]
    [InlineData("page-faults", PerfEvents.TypeSoftware, 2UL)]
    [InlineData("faults", PerfEvents.TypeSoftware, 2UL)]
    [InlineData("cs", PerfEvents.TypeSoftware, 3UL)]
    [InlineData("migrations", PerfEvents.TypeSoftware, 4UL)]
    [InlineData("cgroup-switches", PerfEvents.TypeSoftware, 11UL)]
    [InlineData("cycles", PerfEvents.TypeHardware, 0UL)]
    [InlineData("branches", PerfEvents.TypeHardware, 4UL)]
    [InlineData("idle-cycles-backend", PerfEvents.TypeHardware, 8UL)]
    [InlineData("ref-cycles", PerfEvents.TypeHardware, 9UL)]
    [InlineData("L1-dcache-load-misses", PerfEvents.TypeHwCache, 0x10000UL)]
    [InlineData("L1-dcache-stores", PerfEvents.TypeHwCache, 0x100UL)]
    [InlineData("LLC-stores", PerfEvents.TypeHwCache, 0x102UL)]
    [InlineData("dTLB-load-misses", PerfEvents.TypeHwCache, 0x10003UL)]
    [InlineData("node-load-misses", PerfEvents.TypeHwCache, 0x10006UL)]
    [InlineData("r003c", PerfEvents.TypeRaw, 0x3cUL)]
    public void Generic_names_and_aliases(string text, uint type, ulong config)
    {
        EventDefinition d = _resolver.Resolve(text);
        Assert.Equal(type, d.Type);
        Assert.Equal(config, d.Config);
        Assert.Equal(text, d.Name);
        Assert.False(d.HasModifiers);
        Assert.False(d.ExcludeKernel || d.ExcludeUser || d.ExcludeHv);
    }

    [Theory]
    [InlineData("page-faults:u", true, false, true)]   // user only
    [InlineData("task-clock:k", false, true, true)]
    [InlineData("cycles:h", true, true, false)]
    [InlineData("cycles:uk", false, false, true)]
    [InlineData("cpu/event=0x3c,umask=0x00/u", true, false, true)]
    [InlineData("power/energy-pkg/k", false, true, true)]
    public void Modifiers_exclude_the_levels_not_named(string text, bool excludeKernel, bool excludeUser, bool excludeHv)
    {
        EventDefinition d = _resolver.Resolve(text);
        Assert.True(d.HasModifiers);
        Assert.Equal(excludeKernel, d.ExcludeKernel);
        Assert.Equal(excludeUser, d.ExcludeUser);
        Assert.Equal(excludeHv, d.ExcludeHv);
    }

    [Fact]
    public void Pmu_terms_are_encoded_through_the_format_files()
    {
        EventDefinition d = _resolver.Resolve("cpu/event=0x3c,umask=0x00/");
        Assert.Equal(PerfEventType.Pmu, d.Kind);
        Assert.Equal(4u, d.Type);
        Assert.Equal(0x3cUL, d.Config);
        Assert.Equal(0x1a2bUL | (0x3UL << 24) | (1UL << 18), _resolver.Resolve("cpu/event=0x2b,umask=0x1a,cmask=3,edge/").Config);
    }

    [Fact]
    public void Pmu_named_events_expand_with_config1_and_bare_terms()
    {
        EventDefinition d = _resolver.Resolve("cpu/mem-loads/");
        Assert.Equal(0xcdUL | 0x100UL, d.Config);
        Assert.Equal(3UL, d.Config1);
        Assert.Equal(0xc0UL | (1UL << 23) | (1UL << 24), _resolver.Resolve("cpu/inverted/").Config);
        Assert.False(d.ExcludeKernel); // never forced on PMU events
    }

    [Fact]
    public void Multi_range_formats_scatter_the_value()
        => Assert.Equal(0xc0UL | (1UL << 32), _resolver.Resolve("amdcore/retired-ops/").Config);

    [Fact]
    public void Scale_and_unit_come_from_sysfs()
    {
        EventDefinition d = _resolver.Resolve("power/energy-pkg/");
        Assert.Equal(11u, d.Type);
        Assert.Equal(2UL, d.Config);
        Assert.Equal(2.3283064365386962890625e-10, d.Scale);
        Assert.Equal("Joules", d.Unit);
    }

    [Fact]
    public void Config2_and_config3_fields()
    {
        EventDefinition d = _resolver.Resolve("ext/flag=0xa,high=0x9,scatter=7,config=5/");
        Assert.Equal(0xaUL, d.Config3);
        Assert.Equal(0x9UL << 60, d.Config2);
        Assert.Equal((1UL << 1) | (1UL << 6) | (1UL << 7), d.Config1);
        Assert.Equal(5UL, d.Config);
    }

    [Theory]
    [InlineData("syscalls:sys_enter_getppid", 305UL)]
    [InlineData("sched:sched_switch", 316UL)]
    public void Tracepoints_resolve_to_their_id(string text, ulong id)
    {
        EventDefinition d = _resolver.Resolve(text);
        Assert.Equal(PerfEvents.TypeTracepoint, d.Type);
        Assert.Equal(id, d.Config);
        Assert.Equal(PerfEventType.Tracepoint, d.Kind);
    }

    [Theory]
    [InlineData("", "PerfEventSyntax")]
    [InlineData("   ", "PerfEventSyntax")]
    [InlineData("no-such-event", "PerfEventNotFound")]
    [InlineData("page-faults:x", "PerfEventBadModifier")]
    [InlineData("page-faults:uz", "PerfEventBadModifier")]
    [InlineData("power/energy-pkg/q", "PerfEventBadModifier")]
    [InlineData("a:b:c:d", "PerfEventSyntax")]
    [InlineData("sched:", "PerfEventSyntax")]
    [InlineData("sched:no_such", "PerfEventNotFound")]
    [InlineData("nosys:event", "PerfEventNotFound")]
    [InlineData("sch-ed:x", "PerfEventNotFound")]
    [InlineData("CYCLES", "PerfEventNotFound")]
    [InlineData("L1-DCACHE-LOADS", "PerfEventNotFound")]
    [InlineData("cycles:pppp", "PerfEventBadModifier")]
    [InlineData("cycles:uu", "PerfEventBadModifier")]
    [InlineData("task-clock::u", "PerfEventSyntax")]
    [InlineData("task-clock/freq=10/", "PerfEventTermNotForCounting")]
    [InlineData("task-clock/bogus/", "PerfEventUnknownTerm")]
    [InlineData("L1-icache-stores", "PerfEventInvalidCacheOp")]
    [InlineData("mem:0x1000:rr", "PerfEventBadBreakpoint")]
    [InlineData("duration_time/config=1/", "PerfEventSyntax")]
    [InlineData("cpu/mem-loads,inverted/", "PerfEventTwoAliases")]
    [InlineData("cpu/event=1/:u", "PerfEventSyntax")]
    [InlineData("task-clock,page-faults", "PerfEventSyntax")]
    [InlineData("{task-clock,page-faults}", "PerfEventGroupNotSupported")]
    [InlineData("sched:sched_sw*", "PerfEventWildcardNotSupported")]
    [InlineData("sched:sched_switch/call-graph=no/", "PerfEventTermNotForCounting")]
    [InlineData("nopmu/event=1/", "PerfEventNotFound")]
    [InlineData("cpu/event=0x3c", "PerfEventSyntax")]
    [InlineData("cpu/event=zz/", "PerfEventTermType")]
    [InlineData("cpu/event=0x1ff/", "PerfEventValueTooLarge")]
    [InlineData("cpu/bogus=1/", "PerfEventUnknownTerm")]
    [InlineData("cpu/needs-umask/", "PerfEventTermNeedsValue")]
    [InlineData("cpu/event=1,,umask=2/", "PerfEventSyntax")]
    public void Bad_strings_give_stable_errors(string text, string errorId)
    {
        var e = Assert.Throws<PerfSecurityException>(() => _resolver.Resolve(text));
        Assert.Equal(errorId, e.ErrorId);
    }

    [Theory]
    // Every spelling perf's lexer and parse_aliases accept: type[-op[-result]], ops and results in any order.
    [InlineData("L1-dcache-load-miss", 0x10000UL)]
    [InlineData("l1d-loads", 0x0UL)]
    [InlineData("l1-d-stores", 0x100UL)]
    [InlineData("L1-data-prefetch-miss", 0x10200UL)]
    [InlineData("dTLB-load-miss", 0x10003UL)]
    [InlineData("Data-TLB-store-misses", 0x10103UL)]
    [InlineData("Instruction-TLB-load-misses", 0x10004UL)]
    [InlineData("branch-load", 0x5UL)]
    [InlineData("branch-miss", 0x10005UL)]
    [InlineData("bpu", 0x5UL)]
    [InlineData("L2-loads", 0x2UL)]
    [InlineData("L1-icache-prefetches", 0x201UL)]
    [InlineData("L1-dcache-misses-loads", 0x10000UL)]
    [InlineData("L1-dcache-loads-stores", 0x0UL)]
    [InlineData("L1-dcache-refs", 0x0UL)]
    [InlineData("L1-dcache-speculative-read", 0x200UL)]
    public void Legacy_cache_spellings_encode_as_perf_does(string text, ulong config)
    {
        EventDefinition d = _resolver.Resolve(text);
        Assert.Equal(PerfEvents.TypeHwCache, d.Type);
        Assert.Equal(config, d.Config);
    }

    [Theory]
    [InlineData("cycles", false, false, false, true, false, false, 0)]
    [InlineData("cycles:k", true, false, true, false, false, false, 0)]
    [InlineData("cycles:u", false, true, true, true, false, false, 0)]
    [InlineData("cycles:G", false, false, false, false, true, false, 0)]
    [InlineData("cycles:H", false, false, false, true, false, false, 0)]
    [InlineData("cycles:Gu", false, true, true, false, true, false, 0)]
    [InlineData("cycles:I", false, false, false, false, false, true, 0)]
    [InlineData("cycles:ppp", false, false, false, true, false, false, 3)]
    [InlineData("cycles:P", false, false, false, false, false, false, 0)]
    public void Modifiers_set_the_exclude_bits_perf_sets(string text, bool user, bool kernel, bool hv, bool guest, bool host, bool idle, int precise)
    {
        EventDefinition d = _resolver.Resolve(text);
        Assert.Equal((user, kernel, hv, guest, host, idle, precise), (d.ExcludeUser, d.ExcludeKernel, d.ExcludeHv, d.ExcludeGuest, d.ExcludeHost, d.ExcludeIdle, d.PreciseIp));
    }

    [Fact]
    public void Pinned_and_exclusive_modifiers_reach_the_attr()
    {
        PerfEventAttr attr = _resolver.Resolve("task-clock:De").ToAttr();
        Assert.True(attr.Pinned);
        Assert.True(attr.Exclusive);
        Assert.True((attr.Flags & PerfEvents.FlagExcludeGuest) == 0); // a modifier without u/p leaves the guest counted
    }

    [Theory]
    [InlineData("mem:0x1000", 0x1000UL, 4UL, 3u)]
    [InlineData("mem:0x1000:x", 0x1000UL, 8UL, 4u)]
    [InlineData("mem:4096/4:w", 0x1000UL, 4UL, 2u)]
    [InlineData("mem:0x1000/8:rw:u", 0x1000UL, 8UL, 3u)]
    public void Breakpoints_carry_address_length_and_access(string text, ulong address, ulong length, uint access)
    {
        EventDefinition d = _resolver.Resolve(text);
        Assert.Equal(PerfEvents.TypeBreakpoint, d.Type);
        Assert.Equal((address, length, access), (d.Config1, d.Config2, d.BreakpointType));
        PerfEventAttr attr = d.ToAttr();
        Assert.Equal(access, attr.BpType);
        Assert.Equal(address, attr.Config1); // bp_addr shares config1
    }

    [Fact]
    public void Tool_events_and_numeric_events()
    {
        EventDefinition d = _resolver.Resolve("duration_time");
        Assert.True(d.IsTool);
        Assert.Equal("duration_time", d.ToolName);
        Assert.Equal((PerfEvents.TypeSoftware, GenericEvents.SwDummy), (d.Type, d.Config));
        EventDefinition n = _resolver.Resolve("0x1:0x2");
        Assert.Equal((PerfEvents.TypeSoftware, 2UL, PerfEventType.Software), (n.Type, n.Config, n.Kind));
        Assert.Equal("foo", _resolver.Resolve("task-clock/name=foo/").Name);
        Assert.Equal(2UL, _resolver.Resolve("task-clock/config=2/u").Config);
    }

    [Fact]
    public void Pmu_terms_follow_perf_order_config_assigns_fields_or()
    {
        Assert.Equal(0x2UL, _resolver.Resolve("cpu/config=1,config=2/").Config);
        Assert.Equal(0x3UL, _resolver.Resolve("cpu/event=1,event=2/").Config);
        Assert.Equal(0x101UL, _resolver.Resolve("cpu/event=1,config=0x100/").Config);
        Assert.Equal(0x100UL, _resolver.Resolve("cpu/umask/").Config); // a bare field is 1, as perf 6.1 ends up taking it
        EventDefinition empty = _resolver.Resolve("cpu//");
        Assert.Equal((4u, 0UL), (empty.Type, empty.Config));
    }

    [Fact]
    public void Question_mark_terms_take_the_value_given_beside_the_alias()
    {
        Assert.Equal(0x502UL, _resolver.Resolve("cpu/needs-umask,umask=5/").Config);
        Assert.Equal(0x502UL, _resolver.Resolve("cpu/umask=5,needs-umask/").Config);
        Assert.Equal("PerfEventTermNeedsValue", Assert.Throws<PerfSecurityException>(() => _resolver.Resolve("cpu/needs-umask/")).ErrorId);
    }

    [Fact]
    public void Aliases_match_ignoring_case_and_may_have_dots_and_event_equals()
    {
        Assert.Equal(0x7UL, _resolver.Resolve("cpu/ev.dot/").Config);
        Assert.Equal(0x9UL | 1UL << 18, _resolver.Resolve("cpu/UPPER/").Config);
        Assert.Equal(0x3cUL, _resolver.Resolve("cpu/event=cpu-cycles/").Config);
        // A bare alias name is looked up on every PMU (perf's kernel PMU events).
        EventDefinition bare = _resolver.Resolve("energy-pkg:u");
        Assert.Equal(("power", 2UL, true), (bare.Pmu, bare.Config, bare.ExcludeKernel));
    }

    [Fact]
    public void Tracepoints_without_tracefs_say_how_to_mount_it()
    {
        var resolver = new EventResolver(Path.Combine(Fixtures, "pmu"), Path.Combine(Fixtures, "no-such-dir"));
        var e = Assert.Throws<PerfSecurityException>(() => resolver.Resolve("sched:sched_switch"));
        Assert.Equal("PerfEventNotFound", e.ErrorId);
    }

    [Fact]
    public void Lists_and_groups_resolve_as_perf_writes_them()
    {
        var groups = _resolver.ResolveGroups(new[] { "{task-clock,page-faults}:u", "context-switches,cpu-migrations" });
        Assert.Equal(new string?[] { "{task-clock,page-faults}:u", null, null }, groups.Select(g => g.Text));
        Assert.Equal(new[] { "task-clock", "page-faults" }, groups[0].Members.Select(e => e.Name));
        Assert.All(groups[0].Members, e => Assert.True(e.ExcludeKernel && !e.ExcludeUser && e.HasModifiers));
        Assert.Equal(new[] { "context-switches", "cpu-migrations" }, groups.Skip(1).Select(g => g.Leader.Name));
        Assert.All(groups.Skip(1), g => Assert.False(g.Leader.ExcludeKernel));
    }

    [Fact]
    public void A_group_modifier_adds_to_each_members_own_and_pins_the_leader_only()
    {
        // parse_events__modifier_group: task-clock:k excludes user and hv; the group's u then re-admits user space.
        var g = Assert.Single(_resolver.ResolveGroups(new[] { "named{task-clock:k,page-faults}:uD" }));
        Assert.Equal("named{task-clock:k,page-faults}:uD", g.Text);
        EventDefinition leader = g.Members[0], member = g.Members[1];
        Assert.Equal(("task-clock:k", false, false, true, true), (leader.Name, leader.ExcludeUser, leader.ExcludeKernel, leader.ExcludeHv, leader.Pinned));
        Assert.Equal(("page-faults", false, true, true, false), (member.Name, member.ExcludeUser, member.ExcludeKernel, member.ExcludeHv, member.Pinned));
        Assert.True(member.ExcludeGuest); // unmodified events exclude the guest, and u keeps that
    }

    [Fact]
    public void Group_switch_puts_every_counted_event_in_one_group_and_leaves_tool_events_out()
    {
        var groups = _resolver.ResolveGroups(new[] { "task-clock", "duration_time", "page-faults,cs" }, groupAll: true);
        Assert.Equal(new string?[] { "{task-clock,page-faults,cs}", null }, groups.Select(g => g.Text));
        Assert.Equal("duration_time", groups[1].Leader.Name);
        Assert.Equal("foo", _resolver.ResolveGroups(new[] { "{task-clock/name=foo/,cs}" })[0].Leader.Name);
    }

    [Theory]
    [InlineData("{task-clock,{page-faults}}", "PerfEventSyntax")]
    [InlineData("{}", "PerfEventSyntax")]
    [InlineData("{task-clock,page-faults", "PerfEventSyntax")]
    [InlineData("task-clock,", "PerfEventSyntax")]
    [InlineData("task-clock,,cs", "PerfEventSyntax")]
    [InlineData("{task-clock,page-faults}:x", "PerfEventBadModifier")]
    [InlineData("{task-clock,duration_time}", "PerfEventGroupToolEvent")]
    [InlineData("{task-clock,page-faults:D}", "PerfEventGroupMemberPinned")]
    [InlineData("{task-clock,nosuch}", "PerfEventNotFound")]
    public void Bad_lists_give_stable_errors(string text, string errorId)
    {
        var e = Assert.Throws<PerfSecurityException>(() => _resolver.ResolveGroups(new[] { text }));
        Assert.Equal(errorId, e.ErrorId);
    }

    [Fact]
    public void Group_switch_and_braces_do_not_mix()
        => Assert.Equal("PerfEventGroupConflict",
            Assert.Throws<PerfSecurityException>(() => _resolver.ResolveGroups(new[] { "{task-clock,cs}", "page-faults" }, groupAll: true)).ErrorId);
}
