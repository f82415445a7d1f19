using PerfSecurity.Seccomp;
using Xunit;

namespace PerfSecurity.Tests.Seccomp;

public sealed class BpfAnalyzerTests
{
    // struct seccomp_data offsets: nr 0, arch 4, args[i] low 16 + 8i, high 20 + 8i.
    internal static BpfInstruction Ld(uint offset) => new(0x20, 0, 0, offset);
    internal static BpfInstruction LdImm(uint k) => new(0x00, 0, 0, k);
    internal static BpfInstruction LdxImm(uint k) => new(0x01, 0, 0, k);
    internal static BpfInstruction Jeq(uint k, byte t, byte f) => new(0x15, t, f, k);
    internal static BpfInstruction Jgt(uint k, byte t, byte f) => new(0x25, t, f, k);
    internal static BpfInstruction Jge(uint k, byte t, byte f) => new(0x35, t, f, k);
    internal static BpfInstruction Jset(uint k, byte t, byte f) => new(0x45, t, f, k);
    internal static BpfInstruction Ret(uint k) => new(0x06, 0, 0, k);
    internal static readonly BpfInstruction RetA = new(0x16, 0, 0, 0);

    internal const uint Allow = SeccompReturn.Allow;
    internal static uint Errno(int e) => SeccompReturn.Errno | (uint)e;

    private static SeccompInput Input(params SyscallArgument[] args) => SeccompInput.For(new SyscallCall("perf_event_open", 298, args), 0xC000003E);

    private static uint[] Returns(BpfAnalysis a) => a.Returns.Select(r => r.Value).ToArray();

    [Fact]
    public void Known_input_gives_one_return()
    {
        BpfInstruction[] p = { Ld(0), Jeq(298, 0, 1), Ret(Errno(1)), Ret(Allow) };
        Assert.Equal(new[] { Errno(1) }, Returns(BpfAnalyzer.Analyze(p, Input())));
        var other = SeccompInput.For(new SyscallCall("read", 0, Array.Empty<SyscallArgument>()), 0xC000003E);
        Assert.Equal(new[] { Allow }, Returns(BpfAnalyzer.Analyze(p, other)));
    }

    [Fact]
    public void An_argument_in_a_range_follows_both_branches_and_names_the_word()
    {
        BpfInstruction[] p = { Ld(24), Jeq(0, 0, 1), Ret(Errno(1)), Ret(Allow) };
        var a = BpfAnalyzer.Analyze(p, Input(SyscallArgument.Unknown("attr"), SyscallArgument.Between(0, 100, "pid")));
        Assert.True(a.Complete);
        Assert.Equal(new[] { Errno(1), Allow }, Returns(a));
        Assert.All(a.Returns, r => Assert.Equal(1 << 6, r.DependsOn)); // args[1] low
        // A range that excludes the compared value decides the jump.
        Assert.Equal(new[] { Allow }, Returns(BpfAnalyzer.Analyze(p, Input(SyscallArgument.Unknown("attr"), SyscallArgument.Between(1, 100, "pid")))));
    }

    [Fact]
    public void A_negative_int_has_an_undetermined_high_word()
    {
        // libseccomp's 64-bit "args[2] == -1": high word first, then the low word.
        BpfInstruction[] p = { Ld(36), Jeq(0xffffffff, 0, 3), Ld(32), Jeq(0xffffffff, 0, 1), Ret(Errno(13)), Ret(Allow) };
        var a = BpfAnalyzer.Analyze(p, Input(SyscallArgument.Unknown("attr"), SyscallArgument.SignExtended(0), SyscallArgument.SignExtended(-1)));
        Assert.Equal(new[] { Errno(13), Allow }, Returns(a));
        Assert.Equal(new[] { Allow }, Returns(BpfAnalyzer.Analyze(p, Input(SyscallArgument.Unknown("attr"), SyscallArgument.SignExtended(0), SyscallArgument.SignExtended(3)))));
    }

    [Fact]
    public void A_comparison_narrows_the_word_for_later_tests()
    {
        // args[0] > 10 ? (args[0] > 5 ? A : B) : C — B cannot happen.
        BpfInstruction[] p = { Ld(16), Jgt(10, 0, 4), Ld(16), Jgt(5, 0, 1), Ret(Errno(1)), Ret(Errno(2)), Ret(Errno(3)) };
        var a = BpfAnalyzer.Analyze(p, Input(SyscallArgument.Between(0, 100, "x")));
        Assert.Equal(new[] { Errno(1), Errno(3) }, Returns(a));
        // args[0] >= 50 on [50, 60] is always true; == 50 then splits off 50 exactly.
        BpfInstruction[] q = { Ld(16), Jge(50, 0, 4), Jeq(50, 0, 1), Ret(Errno(4)), Jeq(50, 1, 0), Ret(Errno(5)), Ret(Errno(6)) };
        Assert.Equal(new[] { Errno(4), Errno(5) }, Returns(BpfAnalyzer.Analyze(q, Input(SyscallArgument.Between(50, 60, "x")))));
    }

    [Fact]
    public void Jset_and_arithmetic_follow_the_kernel()
    {
        BpfInstruction[] p = { Ld(0), new(0x04, 0, 0, 2), new(0x54, 0, 0, 0xff), Jset(0x2c, 0, 1), RetA, Ret(Allow) }; // (nr + 2) & 0xff
        Assert.Equal(new[] { 300u & 0xff }, Returns(BpfAnalyzer.Analyze(p, Input())));
        // Scratch memory, TAX/TXA and NEG.
        BpfInstruction[] q = { LdImm(7), new(0x02, 0, 0, 3), LdImm(0), new(0x61, 0, 0, 3), new(0x87, 0, 0, 0), new(0x84, 0, 0, 0), RetA };
        Assert.Equal(new[] { unchecked(0u - 7) }, Returns(BpfAnalyzer.Analyze(q, Input())));
    }

    [Fact]
    public void Division_by_a_zero_X_returns_zero()
    {
        BpfInstruction[] p = { LdxImm(0), LdImm(5), new(0x3c, 0, 0, 0), RetA };
        Assert.Equal(new[] { 0u }, Returns(BpfAnalyzer.Analyze(p, Input())));
    }

    [Fact]
    public void Returning_an_unknown_accumulator_is_incomplete()
    {
        BpfInstruction[] p = { Ld(16), RetA };
        var a = BpfAnalyzer.Analyze(p, Input(SyscallArgument.Unknown("x")));
        Assert.False(a.Complete);
        Assert.Empty(a.Returns);
        Assert.True(BpfAnalyzer.Analyze(new[] { Ld(0), RetA }, Input()).Complete);
    }

    [Fact]
    public void A_program_with_too_many_paths_is_incomplete()
    {
        // 12 independent tests of unknown words that join again: 4096 paths.
        var p = new List<BpfInstruction>();
        for (int w = 0; w < 12; w++) { p.Add(Ld((uint)(16 + 4 * w))); p.Add(Jeq(1, 0, 1)); p.Add(LdImm(0)); }
        p.Add(Ret(Allow));
        var args = Enumerable.Range(0, 6).Select(_ => SyscallArgument.Unknown("x")).ToArray();
        Assert.True(BpfAnalyzer.Analyze(p, Input(args)).Complete);
        var small = BpfAnalyzer.Analyze(p, Input(args), budget: 1000);
        Assert.False(small.Complete);
    }

    [Theory]
    [InlineData(0x20, 0, 0, 2u, "loads outside")]    // unaligned
    [InlineData(0x20, 0, 0, 64u, "loads outside")]   // past struct seccomp_data
    [InlineData(0x28, 0, 0, 0u, "not an instruction")] // BPF_LD | BPF_H | BPF_ABS
    [InlineData(0x15, 5, 0, 0u, "jumps past")]
    [InlineData(0x34, 0, 0, 0u, "divides by zero")]
    [InlineData(0x64, 0, 0, 32u, "shifts")]
    [InlineData(0x02, 0, 0, 16u, "scratch word")]
    public void Programs_the_kernel_would_refuse_are_refused(int code, int jt, int jf, uint k, string message)
    {
        BpfInstruction[] p = { new((ushort)code, (byte)jt, (byte)jf, k), Ret(Allow) };
        var e = Assert.Throws<InvalidDataException>(() => BpfAnalyzer.Analyze(p, Input()));
        Assert.Contains(message, e.Message);
        Assert.Throws<InvalidDataException>(() => BpfAnalyzer.Analyze(new[] { LdImm(0) }, Input()));
    }

    [Fact]
    public void Decodes_struct_sock_filter_bytes()
    {
        byte[] raw = { 0x20, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x15, 0x00, 0x01, 0x00, 0x3e, 0x00, 0x00, 0xc0 };
        var p = BpfInstruction.Decode(raw);
        Assert.Equal(new BpfInstruction(0x20, 0, 0, 4), p[0]);
        Assert.Equal(new BpfInstruction(0x15, 1, 0, 0xC000003E), p[1]);
        Assert.Throws<InvalidDataException>(() => BpfInstruction.Decode(raw.AsSpan(0, 9)));
    }

    // Soundness on random programs: whatever one concrete input inside the ranges makes the filter return,
    // the analysis of the ranges lists it. Programs store every scratch word first, as the kernel demands.
    [Fact]
    public void Every_concrete_run_is_among_the_returns_of_the_ranges()
    {
        var random = new Random(20250617);
        ushort[] alu = { 0x04, 0x14, 0x24, 0x34, 0x44, 0x54, 0x64, 0x74, 0xa4, 0x0c, 0x1c, 0x2c, 0x3c, 0x4c, 0x5c, 0x6c, 0x7c, 0xac, 0x84 };
        ushort[] jumps = { 0x15, 0x25, 0x35, 0x45, 0x1d, 0x2d, 0x3d, 0x4d };
        uint[] constants = { 0, 1, 5, 10, 0xff, 0xffffffff, 0x80000000, 298, 0xC000003E };
        uint[] pool = new uint[3];
        // Each program draws its constants from a pool of three, so that words meet the same bounds again.
        uint Constant() => random.Next(4) == 0 ? (uint)random.Next() : pool[random.Next(pool.Length)];
        int checkedRuns = 0;
        for (int n = 0; n < 5000; n++)
        {
            for (int c = 0; c < pool.Length; c++) pool[c] = constants[random.Next(constants.Length)];
            var p = new List<BpfInstruction> { LdImm(Constant()) };
            for (int m = 0; m < 16; m++) p.Add(new BpfInstruction(0x02, 0, 0, (uint)m));
            int body = random.Next(1, 25);
            for (int i = 0; i < body; i++)
            {
                int left = body - i; // instructions after this one, the final return included
                switch (random.Next(9))
                {
                    case 0: p.Add(Ld((uint)(4 * random.Next(16)))); break;
                    case 1:
                        ushort op = alu[random.Next(alu.Length)];
                        uint k = (op & 0xf0) is 0x60 or 0x70 ? (uint)random.Next(32) : (op & 0xf0) == 0x30 ? Math.Max(1, Constant()) : Constant();
                        p.Add(new BpfInstruction(op, 0, 0, k));
                        break;
                    case 2: p.Add(new BpfInstruction(jumps[random.Next(jumps.Length)], (byte)random.Next(left), (byte)random.Next(left), Constant())); break;
                    case 3: p.Add(new BpfInstruction(random.Next(2) == 0 ? (ushort)0x60 : (ushort)0x61, 0, 0, (uint)random.Next(16))); break;
                    case 4: p.Add(new BpfInstruction(random.Next(2) == 0 ? (ushort)0x02 : (ushort)0x03, 0, 0, (uint)random.Next(16))); break;
                    case 5: p.Add(new BpfInstruction(random.Next(2) == 0 ? (ushort)0x07 : (ushort)0x87, 0, 0, 0)); break;
                    case 6 or 7: // a word tested again and again: what narrowing is for
                        p.Add(Ld((uint)(4 * random.Next(3))));
                        if (left > 1) { p.Add(new BpfInstruction(jumps[random.Next(4)], (byte)random.Next(left - 1), (byte)random.Next(left - 1), Constant())); i++; }
                        break;
                    default: p.Add(random.Next(3) == 0 ? RetA : Ret(0x10000u + (uint)i)); break; // each return site its own value
                }
            }
            p.Add(random.Next(2) == 0 ? RetA : Ret(0x20000u));

            var ranges = new WordRange[SeccompInput.Words];
            for (int w = 0; w < ranges.Length; w++)
            {
                uint a = Constant(), b = random.Next(3) == 0 ? a : Constant();
                ranges[w] = random.Next(4) switch
                {
                    0 => WordRange.Any,
                    1 => new WordRange(a < 2 ? 0 : a - 2, a > uint.MaxValue - 2 ? uint.MaxValue : a + 2), // around a constant the jumps use
                    _ => new WordRange(Math.Min(a, b), Math.Max(a, b)),
                };
            }
            BpfAnalysis all = BpfAnalyzer.Analyze(p, new SeccompInput(ranges));
            for (int sample = 0; sample < 8; sample++)
            {
                var exact = new WordRange[ranges.Length];
                for (int w = 0; w < exact.Length; w++)
                {
                    WordRange r = ranges[w];
                    ulong span = (ulong)r.High - r.Low + 1;
                    uint k = unchecked(pool[random.Next(pool.Length)] + (uint)random.Next(-1, 2));
                    uint v = random.Next(4) switch
                    {
                        0 => r.Low,
                        1 => r.High,
                        2 when r.Contains(k) => k, // on a bound the jumps test, or next to it
                        _ => (uint)(r.Low + (ulong)random.NextInt64((long)span)),
                    };
                    exact[w] = WordRange.Exactly(v);
                }
                BpfAnalysis one = BpfAnalyzer.Analyze(p, new SeccompInput(exact));
                Assert.True(one.Complete);
                Assert.Single(one.Returns);
                if (all.Complete)
                {
                    Assert.Contains(one.Returns[0].Value, all.Returns.Select(r => r.Value));
                    checkedRuns++;
                }
            }
        }
        Assert.True(checkedRuns > 10000, $"{checkedRuns} runs compared");
    }

    // Narrowing at every boundary: after "word OP k", each branch names each value the word can still hold with
    // its own return, so the analysis of [10, 20] lists what the 11 concrete runs return: exactly, where a range
    // can hold what the jump left (JGT, JGE, JEQ at an end); at least, where it cannot (a hole, JSET's bits).
    [Theory]
    [InlineData(0x15)]
    [InlineData(0x25)]
    [InlineData(0x35)]
    [InlineData(0x45)]
    public void Each_branch_keeps_exactly_the_values_the_comparison_leaves(int op)
    {
        foreach (uint k in new uint[] { 9, 10, 11, 15, 19, 20, 21 })
        {
            // 0: ld args[0]; 1: jump to 2 (taken) or 2 + 12 (not taken); then two blocks that each test 10..20.
            var p = new List<BpfInstruction> { Ld(16), new((ushort)op, 0, 23, k) };
            for (int branch = 0; branch < 2; branch++)
            {
                for (uint v = 10; v <= 20; v++) { p.Add(Jeq(v, 0, 1)); p.Add(Ret(0x100u * (uint)(branch + 1) + v)); }
                p.Add(Ret(0xdead));
            }
            var concrete = new SortedSet<uint>();
            for (uint v = 10; v <= 20; v++)
                concrete.Add(Returns(BpfAnalyzer.Analyze(p, Input(SyscallArgument.Between(v, v, "x"))))[0]);
            var ranged = Returns(BpfAnalyzer.Analyze(p, Input(SyscallArgument.Between(10, 20, "x"))));
            bool exact = op is 0x25 or 0x35 || op == 0x15 && (k <= 10 || k >= 20);
            Assert.True(exact ? concrete.SetEquals(ranged) : concrete.IsSubsetOf(ranged),
                $"op 0x{op:x2} k {k}: concrete {string.Join(",", concrete)}, ranges {string.Join(",", ranged)}");
        }
    }
}
