using PerfSecurity.Counting;
using PerfSecurity.Errors;
using Xunit;

namespace PerfSecurity.Tests.Counting;

public sealed class PmuFormatTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "counting", "pmu");

    [Theory]
    [InlineData("config:0-7", 0, 8)]
    [InlineData("config1:1,6-10,44", 1, 7)]
    [InlineData("config:0-7,32-35", 0, 12)]
    [InlineData("config2:63", 2, 1)]
    [InlineData("config3:0-63", 3, 64)]
    public void Parses_words_and_ranges(string text, int word, int width)
    {
        var f = PmuFormatField.Parse("f", text + "\n");
        Assert.Equal(word, f.Word);
        Assert.Equal(width, f.Width);
    }

    [Theory]
    [InlineData("config:0-7,32-35", 0x1c0UL, 0xc0UL | (1UL << 32))]
    [InlineData("config:0-7,32-35", 0xfffUL, 0xffUL | (0xfUL << 32))]
    [InlineData("config1:1,6-10,44", 0x7fUL, (1UL << 1) | (0x1fUL << 6) | (1UL << 44))]
    [InlineData("config:8-15", 0x1aUL, 0x1a00UL)]
    [InlineData("config3:0-63", ulong.MaxValue, ulong.MaxValue)]
    public void Scatters_value_bits_low_first(string text, ulong value, ulong expected)
    {
        var f = PmuFormatField.Parse("f", text);
        var configs = new ulong[4];
        f.Apply(value, configs, "test");
        Assert.Equal(expected, configs[f.Word]);
    }

    [Theory]
    [InlineData("config")]
    [InlineData("config4:0-3")]
    [InlineData("config:7-3")]
    [InlineData("config:0-64")]
    [InlineData("config:a-b")]
    public void Rejects_bad_format_files(string text)
        => Assert.Equal("PerfEventBadFormatFile", Assert.Throws<PerfSecurityException>(() => PmuFormatField.Parse("f", text)).ErrorId);

    [Fact]
    public void Loads_a_pmu_folder_with_scale_and_unit_and_skips_the_attribute_files()
    {
        PmuInfo pmu = PmuInfo.Load(Path.Combine(Fixtures, "power"))!;
        Assert.Equal("power", pmu.Name);
        Assert.Equal(11u, pmu.Type);
        var ev = Assert.Single(pmu.Events.Values);
        Assert.Equal("energy-pkg", ev.Name);
        Assert.Equal("Joules", ev.Unit);
        Assert.Equal(2.3283064365386962890625e-10, ev.Scale);
    }

    [Fact]
    public void Lists_every_pmu_and_its_named_events()
    {
        Assert.Equal(new[] { "amdcore", "cpu", "ext", "power" }, PmuInfo.LoadAll(Fixtures).Select(p => p.Name));
        var names = EventCatalog.Pmu(Fixtures).Select(e => e.Name).ToList();
        Assert.Contains("cpu/mem-loads/", names);
        Assert.Contains("amdcore/retired-ops/", names);
        Assert.Contains("cpu/ev.dot/", names);
        // Listed as perf list writes it, with the value it still needs.
        EventInfo needs = EventCatalog.Pmu(Fixtures).Single(e => e.Name == "cpu/needs-umask,umask=?/");
        Assert.Equal(new[] { "umask" }, needs.Parameters);
        Assert.Equal(0x2UL, needs.Config);
    }

    [Fact]
    public void Cpu_lists_parse_and_format()
    {
        Assert.Equal(new[] { 0, 1, 2, 3, 8, 10, 11 }, CounterTarget.ParseCpuList("0-3,8,10-11\n"));
        Assert.Equal("0-3,8,10-11", CounterTarget.FormatCpuList(new[] { 0, 1, 2, 3, 8, 10, 11 }));
    }
}
