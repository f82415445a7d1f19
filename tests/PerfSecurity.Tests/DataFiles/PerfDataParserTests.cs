using System.Buffers.Binary;
using System.Diagnostics;
using PerfSecurity.Acl;
using PerfSecurity.DataFiles;
using PerfSecurity.Errors;
using PerfSecurity.Native;
using PerfSecurity.Users;
using Xunit;
using Xunit.Abstractions;

namespace PerfSecurity.Tests.DataFiles;

public sealed class PerfDataParserTests
{
    private readonly ITestOutputHelper _out;
    public PerfDataParserTests(ITestOutputHelper output) => _out = output;

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "perf-data", name);
    private static byte[] Bytes(string name) => File.ReadAllBytes(Fixture(name));
    private static PerfDataHeader Parse(byte[] data) => PerfDataParser.Parse(new MemoryByteSource(data), "mem.data");

    private static readonly AccountDatabase Accounts = PerfSecurity.Tests.Fixtures.Accounts(
        "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\nbob:x:1001:1001::/home/bob:/bin/sh\ncarol:x:1002:1003::/:/bin/sh\n",
        "root:x:0:\nalice:x:1000:\nbob:x:1001:\nperf_users:x:1002:bob\nsolo:x:1003:\n");

    private static DataExposure Analyze(byte[] data, uint mode, uint uid = 1000, uint gid = 1000)
        => DataExposureAnalyzer.Analyze("mem.data", Parse(data), new FileStatus(0x8000 | mode, uid, gid, (ulong)data.Length, 1, 1, 1), Accounts);

    [Fact]
    public void Reads_the_header_of_a_recording()
    {
        var h = Parse(Bytes("cpu-clock.data"));
        Assert.False(h.PipeMode);
        var attr = Assert.Single(h.Attributes);
        Assert.Equal("cpu-clock", attr.Name);
        Assert.Equal(new[] { "IP", "TID", "TIME" }, PerfDataFormat.SampleFields(attr.SampleType));
        Assert.Equal(Environment.MachineName, h.Hostname, ignoreCase: true);
        Assert.StartsWith("perf record", h.CmdLine!.Replace("/usr/bin/", ""));
        Assert.Contains(PerfDataFormat.FeatBuildId, h.Features);
        Assert.True(h.BuildIdCount > 0);
    }

    [Fact]
    public void Fixed_period_cpu_clock_has_no_counter_values()
    {
        var e = Analyze(Bytes("cpu-clock.data"), 0x180);
        Assert.Equal(new[] { 1, 2, 4 }, e.Categories);
        Assert.Equal(3, e.CategoryEvidence.Length);
        Assert.StartsWith("4: sample fields IP", e.CategoryEvidence[2]);
    }

    [Fact]
    public void Data_addresses_put_page_faults_in_category_4()
    {
        var e = Analyze(Bytes("page-faults-addr.data"), 0x180);
        Assert.Contains("ADDR", e.SampleFields);
        Assert.Contains("PERIOD", e.SampleFields);
        Assert.Equal(new[] { 1, 2, 3, 4 }, e.Categories);
        Assert.Equal(new[] { "page-faults" }, e.Events);
    }

    [Fact]
    public void Reads_pipe_mode_up_to_the_first_sample()
    {
        var h = Parse(Bytes("pipe.data"));
        Assert.True(h.PipeMode);
        Assert.Equal("cpu-clock", Assert.Single(h.Attributes).Name);
        Assert.NotNull(h.OsRelease);
        Assert.True(h.SideBandRecords > 0);
    }

    [Theory]
    [InlineData(0x180u, 1000u, 1000u, false, DataExposureRisk.Low)]      // 0600
    [InlineData(0x1a4u, 1000u, 1000u, true, DataExposureRisk.High)]      // 0644
    [InlineData(0x1a0u, 1000u, 1002u, true, DataExposureRisk.High)]      // 0640, group with bob
    [InlineData(0x1a0u, 1002u, 1003u, false, DataExposureRisk.Low)]      // 0640, group whose only user is the owner
    [InlineData(0x1a0u, 1000u, 1003u, true, DataExposureRisk.High)]      // 0640, group of carol (primary)
    public void Readers_decide_the_risk(uint mode, uint uid, uint gid, bool readable, DataExposureRisk risk)
    {
        var e = Analyze(Bytes("cpu-clock.data"), mode, uid, gid);
        Assert.Equal(readable, e.ReadableByOthers);
        Assert.Equal(risk, e.Risk);
        Assert.Equal(Convert.ToString(mode, 8).PadLeft(4, '0'), e.Mode);
    }

    [Theory]
    [InlineData(1000u, 1002u, "every user except the members of group perf_users (bob)")] // 0604, another user in the group
    [InlineData(1002u, 1003u, "every user except the members of group solo (no member besides the owner)")]
    public void Other_read_without_group_read_excludes_the_group(uint uid, uint gid, string readableBy)
    {
        // The kernel gives group members the group bits even when the other bits would let them read.
        var e = Analyze(Bytes("cpu-clock.data"), 0x184, uid, gid);
        Assert.True(e.ReadableByOthers);
        Assert.StartsWith(readableBy, e.ReadableBy);
    }

    [Fact]
    public void Named_acl_entries_decide_who_reads()
    {
        // 0640 alice:alice with user:bob:r-- (mask r--): the mode alone says owner only, the kernel lets bob read.
        var bob = PosixAcl.Create(new[]
        {
            new AclEntry(AclTag.UserObj, AclPermissions.Read | AclPermissions.Write), new AclEntry(AclTag.User, AclPermissions.Read, 1001),
            new AclEntry(AclTag.GroupObj, AclPermissions.None), new AclEntry(AclTag.Mask, AclPermissions.Read), new AclEntry(AclTag.Other, AclPermissions.None),
        });
        var data = Bytes("cpu-clock.data");
        var st = new FileStatus(0x8000 | 0x1a0, 1000, 1000, (ulong)data.Length, 1, 1, 1);
        var e = DataExposureAnalyzer.Analyze("mem.data", Parse(data), st, Accounts, bob);
        Assert.True(e.ReadableByOthers);
        Assert.Equal("bob (POSIX ACL)", e.ReadableBy);
        // other::r-- but group:perf_users:--- : bob (a listed member) is refused, everyone else reads.
        var deny = PosixAcl.Create(new[]
        {
            new AclEntry(AclTag.UserObj, AclPermissions.Read | AclPermissions.Write), new AclEntry(AclTag.GroupObj, AclPermissions.None),
            new AclEntry(AclTag.Group, AclPermissions.None, 1002), new AclEntry(AclTag.Mask, AclPermissions.Read), new AclEntry(AclTag.Other, AclPermissions.Read),
        });
        e = DataExposureAnalyzer.Analyze("mem.data", Parse(data), new FileStatus(0x8000 | 0x1a4, 1000, 1000, (ulong)data.Length, 1, 1, 1), Accounts, deny);
        Assert.Equal("every user except bob (POSIX ACL entries that deny them reading)", e.ReadableBy);
    }

    [Theory]
    [InlineData(0xffffffffu, "PerfDataInvalid")]
    [InlineData(137u, "PerfDataInvalid")]
    [InlineData(63u, "PerfDataInvalid")]
    [InlineData(136u, "ok")]
    [InlineData(0u, "ok")]
    public void The_attribute_size_must_be_one_perf_event_attr_can_have(uint size, string outcome)
    {
        var data = Bytes("cpu-clock.data");
        long attrs = (long)BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(24));
        // A size larger than the entry that holds it is corrupt too.
        long entry = (long)BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(16)) - 16;
        if (size > entry && outcome == "ok") outcome = "PerfDataInvalid";
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan((int)attrs + 4), size);
        Assert.Equal(outcome, Outcome(data));
    }

    [Fact]
    public void Empty_files_and_a_bare_pipe_header_are_not_recordings()
    {
        var e = Assert.Throws<PerfSecurityException>(() => Parse(Array.Empty<byte>()));
        Assert.Equal("PerfDataNotPerfFile", e.ErrorId);
        Assert.Contains("empty", e.Message);
        byte[] pipe = Bytes("pipe.data")[..16];
        e = Assert.Throws<PerfSecurityException>(() => Parse(pipe));
        Assert.Equal("PerfDataNotPerfFile", e.ErrorId);
        Assert.Contains("no samples", e.Message);
        Assert.Equal("PerfDataTruncated", Outcome(Bytes("pipe.data")[..20]));
    }

    [Theory]
    [InlineData(0x81a4u, "-rw-r--r--")]
    [InlineData(0x8180u, "-rw-------")]
    [InlineData(0x8de9u, "-rwsr-s--x")]
    [InlineData(0x43ffu, "drwxrwxrwt")]
    public void Symbolic_modes(uint mode, string text) => Assert.Equal(text, DataExposureAnalyzer.SymbolicMode(mode));

    [Fact]
    public void Rejects_other_files_with_clear_ids()
    {
        Assert.Equal("PerfDataNotPerfFile", Assert.Throws<PerfSecurityException>(() => Parse("#!/bin/sh\necho hello world\n"u8.ToArray())).ErrorId);
        var v1 = Bytes("cpu-clock.data");
        "PERFFILE"u8.CopyTo(v1);
        Assert.Equal("PerfDataVersionNotSupported", Assert.Throws<PerfSecurityException>(() => Parse(v1)).ErrorId);
        var be = Bytes("cpu-clock.data");
        be.AsSpan(0, 8).Reverse();
        Assert.Equal("PerfDataForeignEndian", Assert.Throws<PerfSecurityException>(() => Parse(be)).ErrorId);
        Assert.Equal("PerfDataNotPerfFile", Assert.Throws<PerfSecurityException>(() => Parse("hello\n"u8.ToArray())).ErrorId);
        var e = Assert.Throws<PerfSecurityException>(() => Parse("PERFIL"u8.ToArray()));
        Assert.Equal("PerfDataTruncated", e.ErrorId);
        Assert.Equal(FailureKind.InvalidData, e.Kind);
    }

    [Fact]
    public void Names_the_section_that_is_cut_short()
    {
        var data = Bytes("cpu-clock.data");
        long dataEnd = (long)(BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(40)) + BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(48)));
        var e = Assert.Throws<PerfSecurityException>(() => Parse(data[..(int)(dataEnd - 10)]));
        Assert.Equal("PerfDataTruncated", e.ErrorId);
        Assert.Contains("data section", e.Message);
        e = Assert.Throws<PerfSecurityException>(() => Parse(data[..(int)(dataEnd + 20)]));
        Assert.Contains("feature sections", e.Message);
        e = Assert.Throws<PerfSecurityException>(() => Parse(data[..^3]));
        Assert.Matches("feature section", e.Message);
    }

    [Fact]
    public void A_huge_string_length_is_an_error_not_an_allocation()
    {
        var data = Bytes("cpu-clock.data");
        var h = Parse(data);
        // Find the HOSTNAME section: the second entry of the feature table (BUILD_ID is first).
        long table = h.DataOffset + h.DataSize;
        long hostOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan((int)table + 16));
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan((int)hostOffset), 0x7fffffff);
        var e = Assert.Throws<PerfSecurityException>(() => Parse(data));
        Assert.Equal("PerfDataInvalid", e.ErrorId);
        Assert.Contains("HOSTNAME", e.Message);
    }

    /// <summary>Parses one mutated copy under a time limit; only the parser's own errors may escape.</summary>
    private static string Outcome(byte[] data, uint mode = 0x1a4)
    {
        var task = Task.Run(() =>
        {
            try
            {
                var h = PerfDataParser.Parse(new MemoryByteSource(data), "fuzz.data");
                var e = DataExposureAnalyzer.Analyze("fuzz.data", h, new FileStatus(0x8000 | mode, 0, 0, (ulong)data.Length, 1, 1, 1), Accounts);
                Assert.All(e.Categories, c => Assert.InRange(c, 1, 4));
                Assert.Equal(e.Categories.Length, e.CategoryEvidence.Length);
                Assert.Equal(e.Categories.OrderBy(c => c), e.Categories);
                Assert.NotNull(e.SampleFields);
                return "ok";
            }
            catch (PerfSecurityException ex) when (ex.Kind is FailureKind.InvalidData or FailureKind.NotImplemented)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                Assert.StartsWith("PerfData", ex.ErrorId);
                return ex.ErrorId;
            }
        });
        if (!task.Wait(TimeSpan.FromSeconds(5))) throw new TimeoutException($"parse of a {data.Length}-byte variant did not finish");
        return task.Result;
    }

    public static IEnumerable<object[]> Fixtures() => new[] { new object[] { "cpu-clock.data" }, new object[] { "pipe.data" }, new object[] { "page-faults-addr.data" } };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Every_truncation_is_a_clear_error_or_a_consistent_result(string name)
    {
        var data = Bytes(name);
        bool pipe = Parse(data).PipeMode;
        var outcomes = new Dictionary<string, int>();
        for (int len = 0; len < data.Length; len++)
        {
            string o = Outcome(data[..len]);
            outcomes[o] = outcomes.GetValueOrDefault(o) + 1;
            // An empty file is no recording; a file-mode recording needs every byte up to its last feature section.
            if (len == 0) Assert.Equal("PerfDataNotPerfFile", o);
            else if (!pipe) Assert.Equal("PerfDataTruncated", o);
        }
        _out.WriteLine($"{name}: {data.Length} truncations: {string.Join(", ", outcomes.Select(kv => $"{kv.Key} {kv.Value}"))}");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Bit_flips_and_wild_values_never_crash_or_hang(string name)
    {
        var original = Bytes(name);
        var rng = new Random(20261129 + name.Length);
        var outcomes = new Dictionary<string, int>();
        var watch = Stopwatch.StartNew();
        const int Variants = 1500;
        for (int i = 0; i < Variants; i++)
        {
            var data = (byte[])original.Clone();
            // Most mutations hit the header, attributes and feature table, where the size fields are.
            int headerish = Math.Min(data.Length, 400);
            int at = i % 3 == 0 ? rng.Next(data.Length) : rng.Next(headerish);
            switch (i % 4)
            {
                case 0: data[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1: data[at] = 0xff; break;
                case 2 when at + 8 <= data.Length: BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(at), (ulong)rng.NextInt64()); break;
                default:
                {
                    // Overwrite a feature-table entry or other aligned u64 with a huge or small value.
                    int aligned = at & ~7;
                    if (aligned + 8 <= data.Length)
                        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(aligned), rng.Next(2) == 0 ? ulong.MaxValue - (ulong)rng.Next(64) : (ulong)rng.Next(4096));
                    break;
                }
            }
            string o = Outcome(data);
            outcomes[o] = outcomes.GetValueOrDefault(o) + 1;
        }
        _out.WriteLine($"{name}: {Variants} Variants in {watch.ElapsedMilliseconds} ms: {string.Join(", ", outcomes.Select(kv => $"{kv.Key} {kv.Value}"))}");
        Assert.True(outcomes.Keys.Count > 1, "the mutations should reach the error paths");
    }

    [SkippableFact]
    public void Parses_a_recording_made_now_and_its_mutations()
    {
        Skip.IfNot(File.Exists("/usr/bin/perf"), "perf is not installed (Debian package linux-perf)");
        string dir = Directory.CreateTempSubdirectory("pd-xunit").FullName;
        try
        {
            string file = Path.Combine(dir, "now.data");
            var psi = new ProcessStartInfo("/usr/bin/perf", $"record -q -e cpu-clock --call-graph dwarf -o {file} -- sleep 0.05")
            { RedirectStandardError = true, RedirectStandardOutput = true };
            using (var p = Process.Start(psi)!)
            {
                p.WaitForExit();
                Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
            }
            var data = File.ReadAllBytes(file);
            var e = Analyze(data, 0x180);
            Assert.Contains("REGS_USER", e.SampleFields);
            Assert.Contains("STACK_USER", e.SampleFields);
            Assert.Equal(DataExposureRisk.Medium, e.Risk);
            var rng = new Random(7);
            int cases = 0;
            for (int i = 0; i < 500; i++, cases++)
            {
                var copy = (byte[])data.Clone();
                copy[rng.Next(Math.Min(copy.Length, 512))] ^= (byte)(1 << rng.Next(8));
                Outcome(copy);
                Outcome(data[..rng.Next(data.Length)]);
                cases++;
            }
            _out.WriteLine($"{cases} Variants of a fresh {data.Length}-byte recording");
        }
        finally { Directory.Delete(dir, true); }
    }
}
