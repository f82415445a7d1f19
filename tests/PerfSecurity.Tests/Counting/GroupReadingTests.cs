using System.Diagnostics;
using PerfSecurity.Counting;
using Xunit;

namespace PerfSecurity.Tests.Counting;

public sealed class GroupReadingTests
{
    private static CounterTotals Member(int slot, string ev, ulong value, ulong enabled, ulong running, bool unschedulable = false)
        => new(new CounterEvent(ev, "{task-clock,page-faults}", "task-clock", 1, ev == "task-clock" ? "ns" : null, ev == "task-clock"), slot, null, value, enabled, running, unschedulable);

    [Fact]
    public void A_group_enabled_but_never_on_the_PMU_is_named_once_and_not_counted()
    {
        var totals = new[] { Member(0, "task-clock", 0, 5_000_000, 0), Member(1, "page-faults", 0, 5_000_000, 0) };
        string warning = Assert.Single(Readings.Unscheduled(totals));
        Assert.Contains("{task-clock,page-faults}", warning, StringComparison.Ordinal);
        Assert.Contains("never on the PMU as a whole", warning, StringComparison.Ordinal);
        Assert.All(Readings.Build(totals, 1, 1e9, DateTime.Now), r => Assert.False(r.Counted));
    }

    [Fact]
    public void A_group_scaled_for_part_of_the_time_scales_every_member_alike_and_is_no_warning()
    {
        var totals = new[] { Member(0, "task-clock", 100, 1000, 250), Member(1, "page-faults", 7, 1000, 250) };
        Assert.Empty(Readings.Unscheduled(totals));
        var r = Readings.Build(totals, 1, 1e9, DateTime.Now);
        Assert.Equal((400.0, 28.0), (r[0].Value, r[1].Value));
        Assert.All(r, x => Assert.Equal(25.0, x.PercentRunning));
        Assert.All(r, x => Assert.Equal(("{task-clock,page-faults}", "task-clock"), (x.Group, x.GroupLeader)));
    }

    [Fact]
    public void A_pinned_group_the_kernel_could_not_schedule_is_named()
    {
        var totals = new[] { Member(0, "task-clock", 0, 0, 0, unschedulable: true), Member(1, "page-faults", 0, 0, 0, unschedulable: true) };
        Assert.Contains("pinned", Assert.Single(Readings.Unscheduled(totals)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_sleeping_target_that_never_ran_is_not_a_scheduling_failure()
        => Assert.Empty(Readings.Unscheduled(new[] { Member(0, "task-clock", 0, 0, 0), Member(1, "page-faults", 0, 0, 0) }));

    [Fact]
    public void Intervals_hold_what_each_interval_added()
    {
        var start = new[] { Member(0, "task-clock", 100, 100, 100), Member(1, "page-faults", 5, 100, 100) };
        long t0 = Stopwatch.GetTimestamp();
        var counter = new IntervalCounter(3, start, t0);
        var first = counter.Next(new[] { Member(0, "task-clock", 600, 600, 600), Member(1, "page-faults", 9, 600, 600) }, t0 + Stopwatch.Frequency / 10);
        var second = counter.Next(new[] { Member(0, "task-clock", 700, 700, 700), Member(1, "page-faults", 9, 700, 700) }, t0 + Stopwatch.Frequency / 5);
        Assert.Equal((1, 2), (first.Number, second.Number));
        Assert.Equal(new ulong[] { 500, 4 }, first.Counters.Select(c => c.RawValue));
        Assert.Equal(new ulong[] { 100, 0 }, second.Counters.Select(c => c.RawValue));
        Assert.All(second.Counters, c => Assert.Equal(100UL, c.TimeEnabled));
        Assert.Equal(200, second.Time.TotalMilliseconds, 1);
        Assert.Equal(100, second.Duration.TotalMilliseconds, 1);
        Assert.Equal(3, second.SessionId);
    }

    [Theory]
    [InlineData("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue", (98UL << 32) | 0, "/mnt1", "/mnt2", "ext3")]
    [InlineData("30 23 0:26 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:6 - cgroup2 cgroup2 rw", 26UL, "/", "/sys/fs/cgroup/unified", "cgroup2")]
    [InlineData("31 23 0:27 / /sys/fs/cgroup/perf_event rw - cgroup cgroup rw,perf_event", 27UL, "/", "/sys/fs/cgroup/perf_event", "cgroup")]
    [InlineData("40 23 0:40 / /mnt/with\\040space rw - tmpfs tmpfs rw", 40UL, "/", "/mnt/with space", "tmpfs")]
    public void Mountinfo_lines_are_read_as_proc5_describes(string line, ulong device, string root, string mountPoint, string type)
    {
        MountEntry m = Assert.IsType<MountEntry>(MountTable.Parse(line));
        Assert.Equal((device, root, mountPoint, type), (m.Device, m.Root, m.MountPoint, m.FileSystemType));
    }

    [Fact]
    public void Mountinfo_super_options_name_a_v1_hierarchys_controllers()
        => Assert.Contains("perf_event", MountTable.Parse("31 23 0:27 / /sys/fs/cgroup/perf_event rw - cgroup cgroup rw,perf_event")!.SuperOptions);

    [Theory]
    [InlineData("")]
    [InlineData("36 35 98:0 /mnt1 /mnt2 rw")]
    [InlineData("36 35 x:0 /mnt1 /mnt2 rw - ext3 /dev/root rw")]
    public void Malformed_mountinfo_lines_are_skipped(string line) => Assert.Null(MountTable.Parse(line));
}
