using PerfSecurity.Native;
using Xunit;

namespace PerfSecurity.Tests.Counting;

public sealed class ReadFormatTests
{
    private const ulong E = PerfEvents.FormatTotalTimeEnabled, R = PerfEvents.FormatTotalTimeRunning,
        I = PerfEvents.FormatId, G = PerfEvents.FormatGroup, L = PerfEvents.FormatLost;

    private static byte[] U64(params ulong[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    // (value, id, lost) of every value of a view: a ref struct cannot be kept, so tests compare what it holds.
    private static (ulong?, ulong?, (ulong, ulong?, ulong?)[]) Read(byte[] data, ulong format)
    {
        var v = PerfReadView.Parse(data, format);
        var values = new (ulong, ulong?, ulong?)[v.Count];
        for (int i = 0; i < v.Count; i++) values[i] = (v.Value(i), v.Id(i), v.Lost(i));
        return (v.TimeEnabled, v.TimeRunning, values);
    }

    [Fact]
    public void Single_value_only()
    {
        var (enabled, running, values) = Read(U64(42), 0);
        Assert.Null(enabled);
        Assert.Null(running);
        Assert.Equal((42UL, (ulong?)null, (ulong?)null), Assert.Single(values));
    }

    [Fact]
    public void Single_with_times_and_id()
    {
        var (enabled, running, values) = Read(U64(7, 1000, 900, 55), E | R | I);
        Assert.Equal(1000UL, enabled);
        Assert.Equal(900UL, running);
        Assert.Equal((7UL, (ulong?)55, (ulong?)null), Assert.Single(values));
    }

    [Fact]
    public void Single_with_running_and_lost_only()
    {
        var (enabled, running, values) = Read(U64(7, 900, 3), R | L);
        Assert.Null(enabled);
        Assert.Equal(900UL, running);
        Assert.Equal((7UL, (ulong?)null, (ulong?)3), Assert.Single(values));
    }

    [Fact]
    public void Single_with_id_and_lost()
    {
        var (_, _, values) = Read(U64(7, 1000, 900, 55, 2), E | R | I | L);
        Assert.Equal((7UL, (ulong?)55, (ulong?)2), Assert.Single(values));
    }

    [Fact]
    public void Group_with_times_and_ids_leader_first()
    {
        var (enabled, running, values) = Read(U64(3, 2000, 1500, 10, 100, 20, 101, 30, 102), G | E | R | I);
        Assert.Equal(2000UL, enabled);
        Assert.Equal(1500UL, running);
        Assert.Equal(new (ulong, ulong?, ulong?)[] { (10, 100, null), (20, 101, null), (30, 102, null) }, values);
    }

    [Fact]
    public void Group_with_ids_and_lost()
    {
        var (_, _, values) = Read(U64(2, 2000, 10, 100, 1, 20, 101, 0), G | E | I | L);
        Assert.Equal(new (ulong, ulong?, ulong?)[] { (10, 100, 1), (20, 101, 0) }, values);
    }

    [Fact]
    public void Group_without_times_or_ids()
    {
        var (enabled, _, values) = Read(U64(2, 5, 6), G);
        Assert.Null(enabled);
        Assert.Equal(new ulong[] { 5, 6 }, values.Select(v => v.Item1));
        Assert.All(values, v => Assert.Null(v.Item2));
    }

    [Fact]
    public void A_group_holds_at_most_1022_events_with_times_and_ids()
        => Assert.Equal(1022, PerfEvents.MaxGroupMembers(E | R | I));

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
        Assert.Throws<InvalidDataException>(() => PerfReadView.Parse(data, format));
    }

    [Fact]
    public void Group_size_must_match_nr()
        => Assert.Throws<InvalidDataException>(() => PerfReadView.Parse(U64(2, 1, 9, 2, 9, 3, 9), G | I));
}
