using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using Xunit;

namespace PerfSecurity.Tests.Capabilities;

public sealed class FileCapabilityCodecTests
{
    private static byte[] Hex(string groups) => Convert.FromHexString(groups.Replace(" ", ""));
    private static string Dump(byte[] b)
        => string.Join(" ", Enumerable.Range(0, b.Length / 4).Select(k => Convert.ToHexString(b, k * 4, 4).ToLowerInvariant()));

    [Theory]
    [InlineData("cap_perfmon,cap_sys_ptrace,cap_syslog=ep", null, "01000002 00000800 00000000 44000000 00000000")]
    [InlineData("cap_perfmon,cap_sys_ptrace,cap_syslog,cap_ipc_lock=ep", null, "01000002 00400800 00000000 44000000 00000000")]
    [InlineData("cap_perfmon=ep", 100000u, "01000003 00000000 00000000 40000000 00000000 a0860100")]
    [InlineData("=", null, "00000002 00000000 00000000 00000000 00000000")]
    public void Encodes_the_documented_bytes(string text, uint? rootId, string dump)
    {
        var data = FileCapabilityData.FromState(CapabilityText.Parse(text, 41), rootId);
        Assert.Equal(dump, Dump(data.Encode()));
        var back = FileCapabilityData.Decode(Hex(dump));
        Assert.Equal(data, back);
        Assert.Equal(CapabilityText.Format(CapabilityText.Parse(text, 41), 41), CapabilityText.Format(back.State, 41));
    }

    [Fact]
    public void Decodes_the_first_dump_field_by_field()
    {
        var d = FileCapabilityData.Decode(Hex("01000002 00000800 00000000 44000000 00000000"));
        Assert.Equal(2, d.Revision);
        Assert.True(d.Effective);
        Assert.Null(d.RootId);
        Assert.Equal(new[] { 19, 34, 38 }, d.Permitted.Numbers());
        Assert.True(d.Inheritable.IsEmpty);
    }

    [Fact]
    public void Decodes_revision_1()
    {
        var d = FileCapabilityData.Decode(Hex("01000001 00000800 01000000"));
        Assert.Equal(1, d.Revision);
        Assert.True(d.Effective);
        Assert.Equal(1UL << 19, d.Permitted.Mask);
        Assert.Equal(1UL, d.Inheritable.Mask);
        Assert.Equal("cap_chown=ei cap_sys_ptrace+ep", CapabilityText.Format(d.State, 41));
    }

    [Fact]
    public void Random_round_trips_for_revisions_2_and_3()
    {
        var rng = new Random(7);
        for (int k = 0; k < 1000; k++)
        {
            var d = new FileCapabilityData(new((ulong)rng.NextInt64()), new((ulong)rng.NextInt64()), rng.Next(2) == 1,
                k % 2 == 0 ? (uint)rng.Next() : null, k % 2 == 0 ? 3 : 2);
            byte[] b = d.Encode();
            Assert.Equal(d.RootId is null ? 20 : 24, b.Length);
            Assert.Equal(d, FileCapabilityData.Decode(b));
        }
    }

    [Theory]
    [InlineData("01000002 00000800 00000000 44000000")]          // rev 2 but 16 bytes
    [InlineData("01000001 00000800 00000000 44000000 00000000")] // rev 1 but 20 bytes
    [InlineData("01000003 00000000 00000000 40000000 00000000")] // rev 3 without rootid
    [InlineData("01000004 00000000 00000000")]                   // unknown revision
    [InlineData("0100")]
    public void Rejects_malformed_attributes(string dump)
    {
        var e = Assert.Throws<PerfSecurityException>(() => FileCapabilityData.Decode(Hex(dump)));
        Assert.Equal("PerfCapabilityCorruptXattr", e.ErrorId);
        Assert.Equal(FailureKind.InvalidData, e.Kind);
    }

    [Theory]
    [InlineData("cap_perfmon=p cap_syslog=ep")]
    [InlineData("cap_perfmon=ip cap_syslog+e")]
    [InlineData("=p cap_chown+e")]
    public void Effective_must_be_empty_or_hold_the_union(string text)
    {
        var e = Assert.Throws<PerfSecurityException>(() => FileCapabilityData.FromState(CapabilityText.Parse(text, 41)));
        Assert.Equal("PerfCapabilityInvalidEffective", e.ErrorId);
    }

    [Theory]
    [InlineData("cap_perfmon=eip cap_syslog=ep")]
    [InlineData("cap_perfmon=ip cap_syslog=p")]
    public void Valid_effective_combinations_are_accepted(string text)
        => FileCapabilityData.FromState(CapabilityText.Parse(text, 41));

    [Theory]
    [InlineData("cap_perfmon=e", "01000002 00000000 00000000 00000000 00000000")]
    [InlineData("=e", "01000002 00000000 00000000 00000000 00000000")]
    [InlineData("=ep cap_perfmon-p", "01000002 ffffffff 00000000 bf010000 00000000")]
    public void Effective_beyond_the_union_sets_only_the_flag_as_setcap_does(string text, string dump)
        => Assert.Equal(dump, Dump(FileCapabilityData.FromState(CapabilityText.Parse(text, 41)).Encode()));

    [Fact]
    public void Proc_status_is_parsed_tolerantly()
    {
        string text = "Name:\tperf worker\nUmask:\t0022\nState:\tS (sleeping)\nPPid:\t812\nUid:\t1000\t1001\t1000\t1000\n"
            + "CapInh:\t0000000000000000\nCapPrm:\t0000004000000000\nCapEff:\t0000004000000000\nCapBnd:\t000001ffffffffff\n"
            + "CapAmb:\t0000004000000000\nCapUNs:\tffffffffffffffff\nSecBits:\t239\nNoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t1\n";
        var s = ProcessCapabilities.ParseStatus(900, text);
        Assert.Equal("perf worker", s.Name);
        Assert.Equal(812, s.ParentId);
        Assert.Equal(1000u, s.Uid);
        Assert.Equal(1001u, s.EffectiveUid);
        Assert.Equal(1UL << 38, s.Permitted.Mask);
        Assert.Equal(1UL << 38, s.Ambient.Mask);
        Assert.Equal(0x1ffffffffffUL, s.Bounding.Mask);
        Assert.True(s.NoNewPrivs);
        Assert.Equal(2, s.Seccomp);
        var old = ProcessCapabilities.ParseStatus(1, "CapPrm:\t00000040 00000000\n");
        Assert.Equal(1UL << 38, old.Permitted.Mask);
        Assert.True(old.Ambient.IsEmpty);
    }

    [Fact]
    public void Reads_this_process_from_proc()
    {
        var s = ProcessCapabilities.Read(Environment.ProcessId);
        Assert.NotNull(s);
        Assert.Equal(Environment.ProcessId, s!.ProcessId);
        Assert.False(s.Bounding.IsEmpty);
        Assert.Null(ProcessCapabilities.Read(int.MaxValue));
    }
}
