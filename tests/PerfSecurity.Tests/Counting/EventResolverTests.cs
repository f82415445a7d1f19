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
    [InlineData("sch-ed:x", "PerfEventSyntax")]
    [InlineData("nopmu/event=1/", "PerfEventNotFound")]
    [InlineData("cpu//", "PerfEventSyntax")]
    [InlineData("cpu/event=0x3c", "PerfEventSyntax")]
    [InlineData("cpu/event=zz/", "PerfEventSyntax")]
    [InlineData("cpu/event=0x1ff/", "PerfEventValueTooLarge")]
    [InlineData("cpu/bogus=1/", "PerfEventUnknownTerm")]
    [InlineData("cpu/needs-umask/", "PerfEventTermNeedsValue")]
    [InlineData("cpu/event=1,,umask=2/", "PerfEventSyntax")]
    public void Bad_strings_give_stable_errors(string text, string errorId)
    {
        var e = Assert.Throws<PerfSecurityException>(() => _resolver.Resolve(text));
        Assert.Equal(errorId, e.ErrorId);
    }

    [Fact]
    public void Tracepoints_without_tracefs_say_how_to_mount_it()
    {
        var resolver = new EventResolver(Path.Combine(Fixtures, "pmu"), Path.Combine(Fixtures, "no-such-dir"));
        var e = Assert.Throws<PerfSecurityException>(() => resolver.Resolve("sched:sched_switch"));
        Assert.Equal("PerfEventNotFound", e.ErrorId);
    }
}
