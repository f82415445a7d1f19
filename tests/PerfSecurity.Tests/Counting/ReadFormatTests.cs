using PerfSecurity.Native;
using Xunit;

namespace PerfSecurity.Tests.Counting;

public sealed class ReadFormatTests
{
    private const ulong E = PerfEvents.FormatTotalTimeEnabled, R = PerfEvents.FormatTotalTimeRunning,
        I = PerfEvents.FormatId, G = PerfEvents.FormatGroup, L = PerfEvents.FormatLost;

    private static byte[] U64(params ulong[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    [Fact]
    public void Single_value_only()
    {
        var r = PerfEvents.Decode(U64(42), 0);
        Assert.Null(r.TimeEnabled);
        Assert.Null(r.TimeRunning);
        Assert.Equal(new PerfReadValue(42, null, null), Assert.Single(r.Values));
    }

    [Fact]
    public void Single_with_times_and_id()
    {
        var r = PerfEvents.Decode(U64(7, 1000, 900, 55), E | R | I);
        Assert.Equal(1000UL, r.TimeEnabled);
        Assert.Equal(900UL, r.TimeRunning);
        Assert.Equal(new PerfReadValue(7, 55, null), Assert.Single(r.Values));
    }

    [Fact]
    public void Single_with_running_and_lost_only()
    {
        var r = PerfEvents.Decode(U64(7, 900, 3), R | L);
        Assert.Null(r.TimeEnabled);
        Assert.Equal(900UL, r.TimeRunning);
        Assert.Equal(new PerfReadValue(7, null, 3), Assert.Single(r.Values));
    }

    [Fact]
    public void Group_with_times_and_ids_leader_first()
    {
        var r = PerfEvents.Decode(U64(3, 2000, 1500, 10, 100, 20, 101, 30, 102), G | E | R | I);
        Assert.Equal(2000UL, r.TimeEnabled);
        Assert.Equal(1500UL, r.TimeRunning);
        Assert.Equal(new[] { new PerfReadValue(10, 100, null), new PerfReadValue(20, 101, null), new PerfReadValue(30, 102, null) }, r.Values);
    }

    [Fact]
    public void Group_without_times_or_ids()
    {
        var r = PerfEvents.Decode(U64(2, 5, 6), G);
        Assert.Null(r.TimeEnabled);
        Assert.Equal(new ulong[] { 5, 6 }, r.Values.Select(v => v.Value));
        Assert.All(r.Values, v => Assert.Null(v.Id));
    }

    [Theory]
    [InlineData(0UL, 1, 8)]
    [InlineData(E | R, 1, 24)]
    [InlineData(E | R | I, 1, 32)]
    [InlineData(E | R | I | L, 1, 40)]
    [InlineData(G, 3, 32)]
    [InlineData(G | E | R | I, 2, 56)]
    [InlineData(G | E | R | I | L, 2, 72)]
    public void Sizes_follow_the_layout(ulong format, int members, int bytes)
        => Assert.Equal(bytes, PerfEvents.ReadSize(format, members));

    [Theory]
    [InlineData(E | R)]          // 16 bytes given, 24 needed
    [InlineData(G | E | R | I)]  // nr says 1 member, not enough bytes
    public void Short_reads_are_rejected(ulong format)
    {
        byte[] data = (format & G) != 0 ? U64(1, 10, 10) : U64(1, 2);
        Assert.Throws<InvalidDataException>(() => PerfEvents.Decode(data, format));
    }

    [Fact]
    public void Group_size_must_match_nr()
        => Assert.Throws<InvalidDataException>(() => PerfEvents.Decode(U64(2, 1, 9, 2, 9, 3, 9), G | I));
}
