using System.Text;
using PerfSecurity.Audit;
using PerfSecurity.Users;
using Xunit;

namespace PerfSecurity.Tests.Audit;

public sealed class DenialCollectorTests
{
    private static readonly AccountDatabase Accounts = Fixtures.Accounts(
        "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\ncarol:x:1002:1002::/:/bin/sh\n", "root:x:0:\n");
    private static readonly DateTime Base = DateTime.UnixEpoch.AddSeconds(1795982462); // 2026-11-29 20:01:02 UTC

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "audit", name);

    private static (List<CapabilityDenial> Results, AuditScanStatistics Stats) Collect(string file, DateTime? since = null)
    {
        var c = new DenialCollector(since, Accounts);
        using (var s = File.OpenRead(file)) c.Read(s, file);
        return (c.Results().ToList(), c.Statistics);
    }

    private static (List<CapabilityDenial> Results, AuditScanStatistics Stats) CollectText(string text)
    {
        var c = new DenialCollector(null, Accounts);
        c.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "text");
        return (c.Results().ToList(), c.Statistics);
    }

    [Fact]
    public void Raw_log_gives_one_object_per_executable()
    {
        var (r, stats) = Collect(Fixture("raw.log"));
        Assert.Equal(4, stats.BadLines);
        Assert.Equal(31, stats.Lines);
        Assert.Equal(6, r.Count);

        var perf = r.Single(d => d.Executable == "/usr/bin/perf");
        Assert.Equal(3, perf.Count);
        Assert.Equal(3, perf.BothDeniedCount);
        Assert.True(perf.PerfmonDenied && perf.SysAdminDenied);
        Assert.Equal(new uint[] { 1000, 1002 }, perf.Uid);
        Assert.Equal(new[] { "alice", "carol" }, perf.User);
        Assert.Equal(new[] { "alice" }, perf.LoginUser);
        Assert.Equal(new[] { "perf_event_open" }, perf.Syscalls);
        Assert.Equal(Base.AddMilliseconds(123).ToLocalTime(), perf.FirstSeen);
        Assert.Equal(Base.AddSeconds(3600).AddMilliseconds(250).ToLocalTime(), perf.LastSeen);
        Assert.Equal("Set-PerfCapability -LiteralPath '/usr/bin/perf' -Capability cap_perfmon", perf.Recommendation);
        Assert.Equal(r[0], perf); // most denials first

        var reader = r.Single(d => d.Executable == "/opt/tools/pmu-reader");
        Assert.True(reader.PerfmonDenied);
        Assert.False(reader.SysAdminDenied);
        Assert.Null(reader.Recommendation);

        var exporter = r.Single(d => d.Executable == "/usr/sbin/node_exporter");
        Assert.False(exporter.PerfmonDenied);
        Assert.True(exporter.SysAdminDenied);
        Assert.Null(exporter.Recommendation);
        Assert.Equal(new[] { "root" }, exporter.User);
        Assert.Empty(exporter.LoginUser);
        Assert.Equal(new[] { "syscall 2 (arch c000003e)" }, exporter.Syscalls);

        var hex = r.Single(d => d.Executable == "/opt/my tools/prof");
        Assert.Equal("my prof", hex.Command);
        Assert.Equal("Set-PerfCapability -LiteralPath '/opt/my tools/prof' -Capability cap_perfmon", hex.Recommendation);

        var avcOnly = r.Single(d => d.Executable is null);
        Assert.Equal("perf-tool", avcOnly.Command);
        Assert.Empty(avcOnly.Uid);
        Assert.Contains("cap_perfmon", avcOnly.Recommendation);
        Assert.Contains("'perf-tool'", avcOnly.Recommendation);

        var apparmor = r.Single(d => d.Executable == "/usr/bin/bpftrace");
        Assert.True(apparmor.PerfmonDenied);
        Assert.Null(apparmor.Recommendation);
    }

    [Fact]
    public void Interpreted_log_uses_names_and_local_times()
    {
        var (r, stats) = Collect(Fixture("interpreted.log"));
        Assert.Equal(2, stats.BadLines);
        Assert.Equal(2, r.Count);
        var perf = r.Single(d => d.Executable == "/usr/bin/perf");
        Assert.Equal(2, perf.Count);
        Assert.Equal(2, perf.BothDeniedCount);
        Assert.Equal(new[] { "alice", "bob" }, perf.User);
        Assert.Equal(new[] { "alice" }, perf.LoginUser);
        Assert.Equal(new DateTime(2026, 11, 29, 20, 1, 2, 123, DateTimeKind.Local), perf.FirstSeen);
        Assert.Equal(new DateTime(2026, 11, 29, 20, 5, 0, DateTimeKind.Local), perf.LastSeen);
        Assert.NotNull(perf.Recommendation);
        var pcp = r.Single(d => d.Command == "pmdaperfevent");
        Assert.True(pcp.SysAdminDenied);
        Assert.False(pcp.PerfmonDenied);
        Assert.Null(pcp.Recommendation);
    }

    [Fact]
    public void Since_drops_older_events()
    {
        var (r, _) = Collect(Fixture("raw.log"), Base.AddSeconds(100));
        var perf = r.Single(d => d.Executable == "/usr/bin/perf");
        Assert.Equal(1, perf.Count);
        Assert.Equal(perf.FirstSeen, perf.LastSeen);
        Assert.DoesNotContain(r, d => d.Executable == "/opt/tools/pmu-reader");
        Assert.Equal(4, r.Count); // hex-path prof, AVC-only perf-tool, perf (aarch64), bpftrace
        Assert.Empty(Collect(Fixture("raw.log"), Base.AddDays(1)).Results);
    }

    [Theory]
    [InlineData("1795982462.123:456", true)]
    [InlineData("11/29/2026 20:01:02.123:456", true)]
    [InlineData("1795982462:456", false)]
    [InlineData("1795982462.123", false)]
    [InlineData("99999999999999.000:1", false)]
    [InlineData("11/29/2026 25:01:02.123:456", false)]
    public void Stamps(string stamp, bool valid)
        => Assert.Equal(valid, AuditRecordParser.ParseStamp(stamp, out _, out _, out _));

    [Theory]
    [InlineData("type=AVC msg=audit(1795982462.123:1): avc:  denied  { perfmon } for pid=1 comm=\"x\" capability=38")]
    [InlineData("type=AVC msg=audit(1795982462.123:1): avc:  denied  { perfmon sys_admin } for pid=1 comm=\"x\" tclass=capability2")]
    [InlineData("audit: type=1400 audit(1795982462.123:1): avc:  denied  { perfmon } for  pid=1 comm=\"x\" capability=38 tclass=capability2")]
    public void Variants_of_an_avc_line_are_records(string line)
    {
        Assert.Equal(AuditRecordParser.LineKind.Record, AuditRecordParser.Parse(line, out var rec, out _));
        Assert.Equal("AVC", rec!.Type);
        Assert.Contains("perfmon", rec.Permissions);
    }

    [Theory]
    [InlineData("=====")]
    [InlineData("type= msg=audit(")]
    [InlineData("type=AVC msg=audit(abc:def): x=y")]
    [InlineData("type=AVC msg=audit(1795982462.123:1): avc:  denied  { perfmon ")]
    [InlineData("type=AVC msg=audit(1795982462.123:1): avc:  denied  { perfmon } for pid=1")]
    public void Broken_lines_are_counted_not_fatal(string line)
    {
        var (r, stats) = CollectText(line + "\n" + line);
        Assert.Empty(r);
        Assert.Equal(2, stats.BadLines);
    }

    [Fact]
    public void Overlong_lines_and_a_missing_final_newline()
    {
        string text = new string('x', 200_000) + "\n" +
            "type=AVC msg=audit(1795982462.000:9): avc:  denied  { perfmon } for  pid=1 comm=\"a\" capability=38  tclass=capability2 permissive=0";
        var (r, stats) = CollectText(text);
        Assert.Equal(1, stats.BadLines);
        Assert.Equal(2, stats.Lines);
        Assert.Equal("a", Assert.Single(r).Command);
    }

    [Fact]
    public void Stray_equals_signs_and_quotes_do_not_hang_the_field_scanner()
    {
        var (_, stats) = CollectText("type=AVC msg=audit(1795982462.000:9): == =\"unterminated x= =y ' a='b\n");
        Assert.Equal(1, stats.Records);
    }

    [Fact]
    public void A_200000_line_log_streams_in_bounded_memory()
    {
        string file = Path.Combine(Path.GetTempPath(), $"audit-big-{Guid.NewGuid():N}.log");
        try
        {
            string[] exes = { "/usr/bin/perf", "/opt/a/tool", "/opt/b/tool", "/usr/sbin/x", "/usr/bin/y" };
            var expected = new int[exes.Length];
            long lines = 0, bad = 0;
            using (var w = new StreamWriter(file))
            {
                long serial = 1;
                while (lines < 200_000)
                {
                    // Two events whose records are interleaved, then a bad line now and then.
                    var ev = new[] { (serial, (int)(serial % exes.Length)), (serial + 1, (int)((serial + 1) % exes.Length)) };
                    serial += 2;
                    foreach (var (s, e) in ev)
                        w.WriteLine($"type=SYSCALL msg=audit({1795982462 + s}.000:{s}): arch=c000003e syscall=298 success=no exit=-13 pid={s} auid=1000 uid=1000 comm=\"t\" exe=\"{exes[e]}\"");
                    foreach (var (s, e) in ev)
                    {
                        w.WriteLine($"type=AVC msg=audit({1795982462 + s}.000:{s}): avc:  denied  {{ perfmon }} for  pid={s} comm=\"t\" capability=38  tclass=capability2 permissive=0");
                        if (e % 2 == 0)
                            w.WriteLine($"type=AVC msg=audit({1795982462 + s}.000:{s}): avc:  denied  {{ sys_admin }} for  pid={s} comm=\"t\" capability=21  tclass=capability permissive=0");
                        expected[e]++;
                    }
                    lines += 4 + ev.Count(x => x.Item2 % 2 == 0);
                    if (serial % 500 == 1) { w.WriteLine("garbage"); lines++; bad++; }
                }
            }
            var c = new DenialCollector(null, Accounts);
            using (var s = File.OpenRead(file)) c.Read(s, file);
            var results = c.Results().ToList();
            Assert.Equal(lines, c.Statistics.Lines);
            Assert.Equal(bad, c.Statistics.BadLines);
            for (int i = 0; i < exes.Length; i++)
            {
                var d = results.Single(r => r.Executable == exes[i]);
                Assert.Equal(expected[i], d.Count);
                Assert.Equal(i % 2 == 0 ? expected[i] : 0, d.SysAdminDenials);
                Assert.Equal(i % 2 == 0, d.Recommendation is not null);
            }
            // Events are closed as the window moves on: a handful open at a time, not the whole log.
            Assert.InRange(c.Statistics.PeakPendingEvents, 1, DenialCollector.Window + 300);
        }
        finally { File.Delete(file); }
    }
}
