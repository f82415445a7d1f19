using PerfSecurity.Seccomp;
using Xunit;
using static PerfSecurity.Tests.Seccomp.BpfAnalyzerTests;

namespace PerfSecurity.Tests.Seccomp;

public sealed class SeccompJudgeTests
{
    private static readonly SyscallCall Call = new("perf_event_open", 298,
        new[] { SyscallArgument.Unknown("attr"), SyscallArgument.SignExtended(0), SyscallArgument.SignExtended(-1), SyscallArgument.SignExtended(-1), SyscallArgument.Exactly(8) });
    private static readonly SeccompContext Alone = new(0, false);

    private static SeccompFilterProgram Constant(int index, uint value) => new(index, new[] { Ret(value) });

    private static SeccompJudgement Judge(SeccompContext? context, params SeccompFilterProgram[] filters)
        => SeccompJudge.Judge(filters, Call, 0xC000003E, context ?? Alone);

    // The kernel's order, strongest first.
    public static readonly uint[] Ranked =
    {
        SeccompReturn.KillProcess, SeccompReturn.KillThread, SeccompReturn.Trap, SeccompReturn.Errno | 1,
        SeccompReturn.UserNotif, SeccompReturn.Trace, SeccompReturn.Log, SeccompReturn.Allow,
    };

    [Fact]
    public void The_lowest_action_wins_whichever_filter_returns_it()
    {
        for (int i = 0; i < Ranked.Length; i++)
        {
            for (int j = i + 1; j < Ranked.Length; j++)
            {
                foreach (var (older, newer) in new[] { (Ranked[i], Ranked[j]), (Ranked[j], Ranked[i]) })
                {
                    var d = Judge(null, Constant(0, older), Constant(1, newer)).Decisive!;
                    Assert.Equal(Ranked[i], d.Return.Value);
                    Assert.Equal(Ranked[i] == Ranked[^1] ? null : older == Ranked[i] ? 0 : 1, d.Filter);
                }
            }
        }
    }

    [Fact]
    public void Among_equal_actions_the_newest_filter_decides()
    {
        var d = Judge(null, Constant(0, Errno(13)), Constant(1, Errno(19))).Decisive!;
        Assert.Equal(1, d.Filter);
        Assert.Equal("ERRNO(ENODEV)", d.Return.Text);
        Assert.Equal(SeccompEffect.Fails, d.Effect);
    }

    [Theory]
    [InlineData(SeccompReturn.Errno | 1, "ERRNO(EPERM)", SeccompEffect.Fails)]
    [InlineData(SeccompReturn.Errno | 0xffff, "ERRNO(4095)", SeccompEffect.Fails)]
    [InlineData(SeccompReturn.Errno, "ERRNO(0)", SeccompEffect.Fails)]
    [InlineData(SeccompReturn.KillThread, "KILL_THREAD", SeccompEffect.Fails)]
    [InlineData(SeccompReturn.Trap | 7, "TRAP", SeccompEffect.Fails)]
    [InlineData(SeccompReturn.Log, "LOG", SeccompEffect.Runs)]
    [InlineData(0x00010000u, "KILL_PROCESS (unknown action 0x00010000)", SeccompEffect.Fails)]
    public void Actions_are_named_and_classified(uint value, string text, SeccompEffect effect)
    {
        var d = Judge(null, Constant(0, value)).Decisive!;
        Assert.Equal(text, d.Return.Text);
        Assert.Equal(effect, d.Effect);
        Assert.Equal(0, d.Filter);
    }

    [Fact]
    public void Trace_and_user_notification_fail_with_enosys_unless_someone_listens()
    {
        Assert.Equal(SeccompEffect.Fails, Judge(null, Constant(0, SeccompReturn.Trace)).Effect);
        Assert.Contains("ENOSYS", Judge(null, Constant(0, SeccompReturn.Trace)).Sentence);
        var traced = Judge(new SeccompContext(77, false), Constant(0, SeccompReturn.Trace));
        Assert.Equal(SeccompEffect.Delegated, traced.Effect);
        Assert.Contains("process 77", traced.Sentence);
        Assert.Equal(SeccompEffect.Fails, Judge(null, Constant(0, SeccompReturn.UserNotif)).Effect);
        Assert.Equal(SeccompEffect.Delegated, Judge(new SeccompContext(0, true), Constant(0, SeccompReturn.UserNotif)).Effect);
    }

    [Fact]
    public void A_verdict_that_depends_on_an_undetermined_argument_is_open_and_says_which()
    {
        // libseccomp's full 64-bit test of args[3] (group_fd) == -1.
        var p = new SeccompFilterProgram(0, new[] { Ld(44), Jeq(0xffffffff, 0, 3), Ld(40), Jeq(0xffffffff, 0, 1), Ret(Allow), Ret(Errno(1)) });
        var j = Judge(null, p);
        Assert.Null(j.Effect);
        Assert.Null(j.Decisive);
        Assert.Contains("args[3] (high 32 bits)", j.DependsOn);
        Assert.Contains("depending on args[3] (high 32 bits)", j.Sentence);
        // A stronger certain answer from another filter still decides.
        Assert.Equal(SeccompEffect.Fails, Judge(null, p, Constant(1, SeccompReturn.KillProcess)).Effect);
    }

    [Fact]
    public void No_filter_objecting_names_no_filter()
    {
        var j = Judge(null, Constant(0, SeccompReturn.Allow), Constant(1, SeccompReturn.Allow | 5));
        Assert.Null(j.Decisive!.Filter);
        Assert.Equal(SeccompEffect.Runs, j.Effect);
        Assert.StartsWith("All 2 seccomp filters return ALLOW", j.Sentence);
    }

    [Fact]
    public void Elf_headers_give_the_abi()
    {
        byte[] Header(byte cls, ushort machine)
        {
            var h = new byte[20];
            h[0] = 0x7f; h[1] = (byte)'E'; h[2] = (byte)'L'; h[3] = (byte)'F'; h[4] = cls;
            h[18] = (byte)machine; h[19] = (byte)(machine >> 8);
            return h;
        }
        Assert.Same(SyscallAbi.X64, SyscallAbi.FromElfHeader(Header(2, 62)));
        Assert.Same(SyscallAbi.Arm64, SyscallAbi.FromElfHeader(Header(2, 183)));
        Assert.Null(SyscallAbi.FromElfHeader(Header(1, 3)));   // i386
        Assert.Null(SyscallAbi.FromElfHeader(Header(1, 62)));  // x32
    }
}
