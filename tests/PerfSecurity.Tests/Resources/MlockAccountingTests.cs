using PerfSecurity.Resources;
using Xunit;

namespace PerfSecurity.Tests.Resources;

public sealed class MlockAccountingTests
{
    // The kernel document's machine: 8 CPUs, 4 KiB pages, perf_event_mlock_kb 516, ulimit -l 64 KiB.
    private static readonly MlockAccounting Document = new(4096, 8, 516, 64 * 1024);

    [Fact]
    public void Allowance_is_516_KiB_times_8_CPUs()
    {
        Assert.Equal(1032, Document.UserLimitPages);
        Assert.Equal(16, Document.MemlockLimitPages);
        Assert.Equal(128, Document.PerfDefaultDataPages);
    }

    [Fact]
    public void One_default_session_takes_the_whole_allowance_and_a_second_fails_on_its_first_buffer()
    {
        Assert.Null(Document.Simulate(1, 8, 128));
        Assert.Equal(new MappingFailure(2, 1), Document.Simulate(2, 8, 128));
    }

    [Fact]
    public void Two_sessions_fit_with_64_pages_thanks_to_the_rlimit_headroom()
    {
        // 2 × 8 × 65 = 1040 pages: 8 above the allowance, within the second process's 16-page RLIMIT_MEMLOCK.
        Assert.Null(Document.Simulate(2, 8, 64));
        Assert.Equal(64, Document.LargestFittingDataPages(2, 8));
    }

    [Fact]
    public void Without_rlimit_headroom_the_split_is_32_pages()
    {
        var noHeadroom = new MlockAccounting(4096, 8, 516, 0);
        Assert.Equal(32, noHeadroom.LargestFittingDataPages(2, 8));
    }

    [Fact]
    public void Unlimited_rlimit_never_fails()
    {
        var unlimited = new MlockAccounting(4096, 2, 516, null);
        Assert.Null(unlimited.Simulate(10, 2, 4096));
    }

    [Theory]
    [InlineData(1, 128)]
    [InlineData(2, 64)]
    [InlineData(3, 32)]
    public void This_machine_shape_two_cpus_64_KiB(int processes, long expected)
    {
        var a = new MlockAccounting(4096, 2, 516, 64 * 1024);
        Assert.Equal(expected, a.LargestFittingDataPages(processes, 2));
        Assert.NotNull(a.Simulate(processes, 2, expected * 2));
    }

    [Fact]
    public void Required_limit_is_the_smallest_that_fits()
    {
        long need = Document.RequiredPerCpuLimitKb(2, 8, 128);
        var at = new MlockAccounting(4096, 8, need, 64 * 1024);
        var below = new MlockAccounting(4096, 8, need - 4, 64 * 1024);
        Assert.Null(at.Simulate(2, 8, 128));
        Assert.NotNull(below.Simulate(2, 8, 128));
        Assert.Equal(0, need % 4);
    }

    [Fact]
    public void A_sysctl_that_is_not_a_whole_number_of_pages_is_rounded_down_like_the_kernel()
        => Assert.Equal(2 * 2, new MlockAccounting(4096, 2, 11, 0).UserLimitPages);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 4)]
    [InlineData(64, 64)]
    [InlineData(65, 128)]
    public void Rounds_up_like_perf_mmap_pages(long n, long expected) => Assert.Equal(expected, MlockAccounting.RoundUpToPowerOfTwo(n));
}

public sealed class LimitsConfigurationTests
{
    private static readonly PamUser Alice = new("alice", 1000, 1000, g => g is "alice" or "perf_users", gid => gid is 1000 or 1001);
    private static readonly PamUser Root = new("root", 0, 0, g => g is "root" or "perf_users", gid => gid is 0 or 1001);
    private static readonly LimitPair Start = new(8UL << 20, 8UL << 20);

    private static PamLimitResult Resolve(string text, PamUser? user = null, string item = "memlock")
        => LimitsConfiguration.FromEntries(LimitsConfiguration.Parse(text, "limits.conf"), nrOpen: 1048576)
            .Resolve(item, user ?? Alice, Start);

    private static (ulong? Soft, ulong? Hard) Kib(PamLimitResult r) => (r.Limit.Soft / 1024, r.Limit.Hard / 1024);

    [Fact]
    public void User_beats_group_beats_wildcard_whatever_the_order()
    {
        var r = Resolve("alice - memlock 64\n@perf_users - memlock 128\n* - memlock 256\n");
        Assert.Equal((64UL, 64UL), Kib(r));
        Assert.Equal("limits.conf:1", r.SoftSource);
        Assert.Equal(128UL * 1024, Resolve("* soft memlock 256\n@perf_users soft memlock 128\n").Limit.Soft);
    }

    [Fact]
    public void Later_line_of_equal_rank_wins_and_soft_hard_are_separate()
    {
        var r = Resolve("* soft memlock 64\n* hard memlock 1024\n* soft memlock 128\n");
        Assert.Equal((128UL, 1024UL), Kib(r));
        Assert.Equal("limits.conf:3", r.SoftSource);
    }

    [Fact]
    public void A_soft_limit_above_the_hard_one_is_lowered()
    {
        var r = Resolve("alice soft memlock 5000\nalice hard memlock 3000\n");
        Assert.Equal((3000UL, 3000UL), Kib(r));
        Assert.True(r.SoftLowered);
    }

    [Fact]
    public void A_refused_soft_half_stops_the_line()
    {
        // "* -" cannot replace the user's hard line, and the wildcard's soft half lands: 200 lowered to 100.
        Assert.Equal((100UL, 100UL), Kib(Resolve("alice hard memlock 100\n* - memlock 200\n")));
        // The user's soft line blocks the soft half, so the hard half of "* -" is never read.
        Assert.Equal((100UL, 8192UL), Kib(Resolve("alice soft memlock 100\n* - memlock 200\n")));
    }

    [Theory]
    [InlineData("* - memlock unlimited")]
    [InlineData("* - memlock infinity")]
    [InlineData("* - memlock -1")]
    [InlineData("* - memlock -")]
    [InlineData("* - memlock 18446744073709551616")]
    [InlineData("* - memlock -5")]
    public void Unlimited_spellings(string line)
    {
        var r = Resolve(line);
        Assert.Null(r.Limit.Soft);
        Assert.NotNull(r.SoftSource);
    }

    [Theory]
    [InlineData("alice - memlock 1202k", 1202UL)]
    [InlineData("alice - memlock 9O2", 9UL)]
    [InlineData("alice - memlock 0x10", 0UL)]
    [InlineData("alice - memlock +50", 50UL)]
    [InlineData("alice - memlock 700 fifth", 700UL)]
    [InlineData("alice\t-\tMEMLOCK\t64 # note", 64UL)]
    public void Values_read_like_strtoull(string line, ulong kib) => Assert.Equal(kib, Kib(Resolve(line)).Soft);

    [Fact]
    public void Nofile_unlimited_is_fs_nr_open()
        => Assert.Equal(1048576UL, Resolve("alice - nofile unlimited", item: "nofile").Limit.Hard);

    [Fact]
    public void Group_and_wildcard_lines_do_not_apply_to_root_but_its_name_and_uid_ranges_do()
    {
        Assert.Null(Resolve("* - memlock 64\n@perf_users - memlock 64\n", Root).SoftSource);
        Assert.Equal(32UL, Kib(Resolve("root - memlock 32\n", Root)).Soft);
        Assert.Equal(33UL, Kib(Resolve(":0 - memlock 33\n", Root)).Soft);
        Assert.Equal(34UL, Kib(Resolve("@0: - memlock 34\n", Root)).Soft); // an @ range falls through to the uid test for root
    }

    [Theory]
    [InlineData("1000:2000 - memlock 8", true)]
    [InlineData("1001: - memlock 8", false)]
    [InlineData(":1000 - memlock 8", true)]
    [InlineData("@:1001 - memlock 8", true)]   // exact gid: supplementary groups count
    [InlineData("@1001:2000 - memlock 8", false)] // gid range: primary group only
    [InlineData("%perf_users - memlock 8", false)]
    [InlineData("bob - memlock 8", false)]
    [InlineData("1:2:3 - memlock 8", false)]
    public void Ranges_and_other_domains(string line, bool applies)
        => Assert.Equal(applies, Resolve(line).SoftSource is not null);

    [Fact]
    public void A_uid_range_ranks_with_the_user_name_above_groups()
    {
        Assert.Equal(400UL, Kib(Resolve("@perf_users - memlock 300\n:1000 - memlock 400\n")).Soft);
        Assert.Equal(400UL, Kib(Resolve(":1000 - memlock 400\n@perf_users - memlock 300\n")).Soft);
    }

    [Fact]
    public void A_no_limits_line_sets_nothing_at_all()
    {
        var r = Resolve("alice - memlock 64\nalice -\n");
        Assert.Equal("limits.conf:2", r.NoLimitsLine);
        Assert.Equal(Start, r.Limit);
        Assert.Null(Resolve("* -\n").NoLimitsLine); // "*" does not count
    }

    [Theory]
    [InlineData("alice memlock 64")]
    [InlineData("alice both memlock 64")]
    [InlineData("alice - memlock lots")]
    [InlineData("# alice - memlock 64")]
    public void Malformed_lines_are_skipped(string line) => Assert.Null(Resolve(line).SoftSource);

    [Fact]
    public void A_line_longer_than_1023_bytes_is_read_as_two()
    {
        string text = "alice - memlock 1" + new string(' ', 1100) + "alice - memlock 55\n";
        var entries = LimitsConfiguration.Parse(text, "limits.conf").ToList();
        Assert.Equal(2, entries.Count);
        Assert.Equal(55UL, Kib(Resolve(text)).Soft);
    }
}

public sealed class ProcessLimitsTests
{
    private const string Sample =
        "Limit                     Soft Limit           Hard Limit           Units     \n" +
        "Max cpu time              unlimited            unlimited            seconds   \n" +
        "Max open files            1024                 524288               files     \n" +
        "Max locked memory         8388608              8388608              bytes     \n" +
        "Max realtime timeout      unlimited            unlimited            us        \n";

    [Fact]
    public void Parses_the_proc_table()
    {
        var limits = ProcessLimits.Parse(Sample);
        Assert.Equal(new LimitPair(1024, 524288), limits[ProcessLimits.MaxOpenFiles]);
        Assert.Equal(new LimitPair(8388608, 8388608), limits[ProcessLimits.MaxLockedMemory]);
        Assert.Equal(new LimitPair(null, null), limits["Max cpu time"]);
    }

    [Fact]
    public void Reads_this_process()
    {
        var limits = ProcessLimits.Read(Environment.ProcessId);
        Assert.True(limits.ContainsKey(ProcessLimits.MaxOpenFiles));
        Assert.True(ProcessLimits.OpenFileNumbers(Environment.ProcessId).Length > 2);
    }

    [Theory]
    [InlineData("0-1", 2)]
    [InlineData("0", 1)]
    [InlineData("0-3,8,10-11", 7)]
    [InlineData("", 0)]
    public void Counts_cpu_lists(string list, int expected) => Assert.Equal(expected, ResourceBudgets.CountCpuList(list));
}
