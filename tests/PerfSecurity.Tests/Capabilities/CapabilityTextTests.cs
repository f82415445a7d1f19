using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using Xunit;

namespace PerfSecurity.Tests.Capabilities;

public sealed class CapabilityTextTests
{
    // The running kernel of the reference machine: cap_last_cap 40.
    private const int Kernel = 41;

    private static string RoundTrip(string text) => CapabilityText.Format(CapabilityText.Parse(text, Kernel), Kernel);

    [Theory]
    [InlineData("cap_perfmon,cap_sys_ptrace,cap_syslog=ep", "cap_sys_ptrace,cap_syslog,cap_perfmon=ep")]
    [InlineData("38,cap_ipc_lock,cap_sys_ptrace,cap_syslog=ep", "cap_ipc_lock,cap_sys_ptrace,cap_syslog,cap_perfmon=ep")]
    [InlineData("=", "=")]
    [InlineData("all=", "=")]
    [InlineData("cap_perfmon=", "=")]
    [InlineData("", "=")]
    [InlineData("all=ep", "=ep")]
    [InlineData("all=ep cap_sys_admin-ep", "=ep cap_sys_admin-ep")]
    [InlineData("cap_perfmon=ep cap_ipc_lock+i", "cap_ipc_lock=i cap_perfmon+ep")]
    [InlineData("cap_perfmon=pe", "cap_perfmon=ep")]
    [InlineData("0x26=ep", "cap_perfmon=ep")]
    [InlineData("046=p", "cap_perfmon=p")]
    [InlineData("41=ep", "= 41+ep")]
    [InlineData("63=p", "= 63+p")]
    [InlineData("CAP_PERFMON=ep", "cap_perfmon=ep")]
    [InlineData("Cap_Chown,ALL=p", "=p")]
    [InlineData("cap_chown=p  cap_kill+i", "cap_kill=i cap_chown+p")]
    [InlineData("cap_chown=+p", "cap_chown=p")]
    [InlineData("cap_chown=-p", "=")]
    [InlineData("cap_chown=p-p", "=")]
    [InlineData("cap_chown,cap_kill+p-p+i", "cap_chown,cap_kill=i")]
    [InlineData("all+p", "=p")]
    [InlineData("cap_chown=p cap_kill=i cap_setuid=ip", "cap_setuid=ip cap_kill+i cap_chown+p")]
    [InlineData("cap_chown=pe cap_kill=ie cap_setuid=ipe", "cap_setuid=eip cap_kill+ei cap_chown+ep")]
    [InlineData("cap_chown=p cap_kill=i cap_setuid=ip 41=p 42=i 43=ip", "cap_setuid=ip cap_kill+i cap_chown+p 43+ip 42+i 41+p")]
    [InlineData("all=p cap_chown+i cap_kill-p", "=p cap_chown+i cap_kill-p")]
    [InlineData("all=ip cap_chown-i 50,51+p 52+i", "=ip cap_chown-i 52+i 50,51+p")]
    [InlineData("all=i 41+i", "=i 41+i")]
    [InlineData("\tcap_perfmon=ep\n", "cap_perfmon=ep")]
    [InlineData("52,all+p", "=p")]
    [InlineData("all,52+p", "=p 52+p")]
    [InlineData("52,all,53+p", "=p 53+p")]
    [InlineData("all=p+e", "=ep")]
    public void Text_is_parsed_and_printed_like_libcap(string input, string expected)
        => Assert.Equal(expected, RoundTrip(input));

    [Theory]
    [InlineData("64=p")]
    [InlineData("CAP_PERFMON=EP")]
    [InlineData("cap_a=ep")]
    [InlineData("cap_perfmon+")]
    [InlineData("cap_perfmon =ep")]
    [InlineData("perfmon=ep")]
    [InlineData("+ep")]
    [InlineData("=+p")]
    [InlineData("cap_perfmon")]
    [InlineData("cap_perfmon,=p")]
    [InlineData("cap_perfmon=ep-")]
    [InlineData("cap_perfmon=x")]
    [InlineData("0x=p")]
    [InlineData("cap_chown2=p")]
    [InlineData("cap_perfmon+p=e")]
    [InlineData("99999999999999999999=p")]
    [InlineData("=p+e")]
    [InlineData("=e+p")]
    [InlineData("=i+i")]
    [InlineData("=p-p")]
    [InlineData("cap_chown+p =ep-e")]
    public void Invalid_text_is_rejected(string input)
    {
        var e = Assert.Throws<PerfSecurityException>(() => CapabilityText.Parse(input, Kernel));
        Assert.Equal("PerfCapabilityInvalidText", e.ErrorId);
        Assert.Equal(FailureKind.InvalidArgument, e.Kind);
    }

    [Fact]
    public void All_covers_only_the_kernels_capabilities()
    {
        var s = CapabilityText.Parse("all=p", 38);
        Assert.Equal((1UL << 38) - 1, s.Permitted.Mask);
        // Names the kernel lacks go to a trailing clause, still by name (cap_to_name knows them).
        Assert.Equal("=p cap_perfmon+p", CapabilityText.Format(CapabilityText.Parse("all=p 38+p", 38), 38));
    }

    [Fact]
    public void Clauses_apply_left_to_right()
    {
        var s = CapabilityText.Parse("cap_perfmon=eip cap_perfmon-i", Kernel);
        Assert.True(s.Effective.Contains(38));
        Assert.True(s.Permitted.Contains(38));
        Assert.False(s.Inheritable.Contains(38));
    }

    [Fact]
    public void Tie_in_the_histogram_prefers_the_smaller_combination()
    {
        // 2 caps: one p, one empty -> tie between 0 and p; libcap picks 0.
        Assert.Equal("cap_chown=p", CapabilityText.Format(CapabilityText.Parse("cap_chown=p", 2), 2));
    }

    [Fact]
    public void Random_sets_round_trip_through_text()
    {
        var rng = new Random(4711);
        for (int k = 0; k < 2000; k++)
        {
            var state = new CapabilityState(new((ulong)rng.NextInt64() | ((ulong)rng.Next(2) << 63)), new((ulong)rng.NextInt64()), new((ulong)rng.NextInt64() << rng.Next(40)));
            string text = CapabilityText.Format(state, Kernel);
            Assert.Equal(state, CapabilityText.Parse(text, Kernel));
        }
    }
}
