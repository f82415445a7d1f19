using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using Xunit;

namespace PerfSecurity.Tests.Capabilities;

public sealed class CapabilitySetTests
{
    [Theory]
    [InlineData("cap_perfmon", 38)]
    [InlineData("CAP_PERFMON", 38)]
    [InlineData("perfmon", 38)]
    [InlineData("PerfMon", 38)]
    [InlineData("sys_ptrace", 19)]
    [InlineData("38", 38)]
    [InlineData("0x26", 38)]
    [InlineData("046", 38)]
    [InlineData("0", 0)]
    [InlineData("63", 63)]
    [InlineData(" cap_syslog ", 34)]
    [InlineData("checkpoint_restore", 40)]
    public void Names_and_numbers_parse(string text, int expected)
        => Assert.Equal(expected, CapabilityTable.Parse(text));

    [Theory]
    [InlineData("64")]
    [InlineData("cap_nothing")]
    [InlineData("")]
    [InlineData("cap_")]
    [InlineData("0x")]
    [InlineData("38x")]
    [InlineData("-1")]
    public void Bad_names_fail_with_a_stable_id(string text)
    {
        var e = Assert.Throws<PerfSecurityException>(() => CapabilityTable.Parse(text));
        Assert.Equal("PerfCapabilityUnknownName", e.ErrorId);
    }

    [Fact]
    public void Table_has_libcap_names_0_to_40()
    {
        var all = CapabilityTable.All().ToArray();
        Assert.Equal(41, all.Length);
        Assert.Equal("cap_chown", all[0].Name);
        Assert.Equal("cap_sys_admin", all[21].Name);
        Assert.Equal("cap_setfcap", all[31].Name);
        Assert.Equal("cap_perfmon", all[38].Name);
        Assert.Equal("cap_checkpoint_restore", all[40].Name);
        Assert.All(all, a => Assert.False(string.IsNullOrWhiteSpace(a.Meaning)));
        Assert.Equal("41", CapabilityTable.NameOf(41));
    }

    [Fact]
    public void Set_parses_lists_and_prints_names()
    {
        var s = CapabilitySet.Parse(new[] { "perfmon,cap_syslog", "19" });
        Assert.Equal((1UL << 38) | (1UL << 34) | (1UL << 19), s.Mask);
        Assert.Equal(new[] { "cap_sys_ptrace", "cap_syslog", "cap_perfmon" }, s.Names());
        Assert.Equal("0000004400080000", s.ToHex());
        Assert.Equal("0x0000004400080000=cap_sys_ptrace,cap_syslog,cap_perfmon", s.ToDecodeText());
    }

    [Theory]
    [InlineData("0000004000000000", 1UL << 38)]
    [InlineData("0x0000004000000000", 1UL << 38)]
    [InlineData("0X40", 0x40UL)]
    [InlineData("000001ffffffffff", 0x1ffffffffffUL)]
    [InlineData("ffffffffffffffff", ulong.MaxValue)]
    public void Masks_parse_as_proc_prints_them(string text, ulong mask)
        => Assert.Equal(mask, CapabilitySet.ParseMask(text).Mask);

    [Theory]
    [InlineData("")]
    [InlineData("0x")]
    [InlineData("xyz")]
    [InlineData("10000000000000000")]
    public void Bad_masks_fail(string text)
        => Assert.Equal("PerfCapabilityInvalidMask", Assert.Throws<PerfSecurityException>(() => CapabilitySet.ParseMask(text)).ErrorId);

    [Fact]
    public void Decode_text_matches_capsh_for_edge_masks()
    {
        Assert.Equal("0x0000000000000000=", new CapabilitySet(0).ToDecodeText());
        Assert.Equal("0x0000060000000000=41,42", new CapabilitySet(3UL << 41).ToDecodeText());
    }

    [Theory]
    [InlineData(239, "0357/0xef/8'b11101111", new[] { "SECBIT_NOROOT", "SECBIT_NOROOT_LOCKED", "SECBIT_NO_SETUID_FIXUP", "SECBIT_NO_SETUID_FIXUP_LOCKED", "SECBIT_KEEP_CAPS_LOCKED", "SECBIT_NO_CAP_AMBIENT_RAISE", "SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED" })]
    [InlineData(0, "00/0x0/1'b0", new string[0])]
    [InlineData(47, "057/0x2f/6'b101111", new[] { "SECBIT_NOROOT", "SECBIT_NOROOT_LOCKED", "SECBIT_NO_SETUID_FIXUP", "SECBIT_NO_SETUID_FIXUP_LOCKED", "SECBIT_KEEP_CAPS_LOCKED" })]
    [InlineData(0x500, "02400/0x500/11'b10100000000", new[] { "SECBIT_EXEC_RESTRICT_FILE", "SECBIT_EXEC_DENY_INTERACTIVE" })]
    [InlineData(0xA00, "05000/0xa00/12'b101000000000", new[] { "SECBIT_EXEC_RESTRICT_FILE_LOCKED", "SECBIT_EXEC_DENY_INTERACTIVE_LOCKED" })]
    [InlineData(0x1001, "010001/0x1001/13'b1000000000001", new[] { "SECBIT_NOROOT", "bit 12" })]
    public void Secure_bits_decode(int bits, string capsh, string[] names)
    {
        Assert.Equal(capsh, SecureBitsText.CapshText(bits));
        Assert.Equal(names, SecureBitsText.Names(bits));
    }

    [Theory]
    [InlineData("239", 239)]
    [InlineData("0xef", 239)]
    [InlineData("0357", 239)]
    [InlineData("noroot,SECBIT_KEEP_CAPS", 17)]
    [InlineData("4095", 0xFFF)]
    [InlineData("exec_restrict_file,SECBIT_EXEC_DENY_INTERACTIVE_LOCKED", 0x900)]
    public void Secure_bits_parse(string text, int bits) => Assert.Equal(bits, SecureBitsText.Parse(text));

    [Theory]
    [InlineData("4096")]
    [InlineData("0x1000")]
    [InlineData("SECBIT_NOPE")]
    [InlineData("0x")]
    public void Bad_secure_bits_fail(string text)
        => Assert.Equal("PerfSecureBitsInvalid", Assert.Throws<PerfSecurityException>(() => SecureBitsText.Parse(text)).ErrorId);
}
