namespace PerfSecurity.Seccomp;

/// <summary>
/// Runs a classic BPF seccomp program as the kernel does (32-bit unsigned arithmetic, forward jumps, division by a
/// zero X returns 0) on an input whose words may be ranges. Where a jump depends on a word that is not one value,
/// both branches are followed, each knowing what the comparison told about that word.
/// </summary>
public static class BpfAnalyzer
{
    /// <summary>Instructions executed over all paths before the analysis gives up (marks the result incomplete).</summary>
    public const int DefaultBudget = 1_000_000;

    // A register or scratch word: a range, the input words it was computed from, and the input word it is an
    // unchanged copy of (-1 when computed), so that a comparison can narrow that word on each branch.
    private struct Value
    {
        public uint Low, High;
        public ushort Sources;
        public sbyte Origin;

        public readonly bool IsExact => Low == High;
        public static Value Exactly(uint v) => new() { Low = v, High = v, Origin = -1 };
        public static Value Range(uint low, uint high, ushort sources) => new() { Low = low, High = high, Sources = sources, Origin = -1 };
    }

    private sealed class Path
    {
        public int Pc;
        // Classic BPF starts with A = X = 0 (and the kernel refuses programs that read scratch words before storing them).
        public Value A = Value.Exactly(0), X = Value.Exactly(0);
        public Value[] Memory = Enumerable.Repeat(Value.Exactly(0), Bpf.MemoryWords).ToArray();
        public WordRange[] Input = Array.Empty<WordRange>();
        public ushort DependsOn;

        public Path Clone() => new()
        {
            Pc = Pc, A = A, X = X, Memory = (Value[])Memory.Clone(), Input = (WordRange[])Input.Clone(), DependsOn = DependsOn,
        };

        /// <summary>Narrows input word <paramref name="word"/>, and every register still holding a copy of it.</summary>
        public void Narrow(int word, uint low, uint high)
        {
            Input[word] = new WordRange(low, high);
            Set(ref A);
            Set(ref X);
            for (int i = 0; i < Memory.Length; i++) Set(ref Memory[i]);
            void Set(ref Value v)
            {
                if (v.Origin == word) { v.Low = low; v.High = high; }
            }
        }
    }

    public static BpfAnalysis Analyze(IReadOnlyList<BpfInstruction> program, SeccompInput input, int budget = DefaultBudget)
    {
        Bpf.Validate(program);
        var returns = new Dictionary<uint, ushort>();
        bool complete = true;
        ushort incompleteSources = 0;
        var pending = new Stack<Path>();
        pending.Push(new Path { Input = input.CopyWords() });
        int steps = 0;

        void Return(uint value, ushort dependsOn)
            => returns[value] = returns.TryGetValue(value, out ushort d) ? (ushort)(d | dependsOn) : dependsOn;

        while (pending.Count > 0)
        {
            Path p = pending.Pop();
            while (true)
            {
                if (++steps > budget)
                {
                    // Too many paths: what was found stands, the rest is unknown.
                    return new BpfAnalysis(ToList(returns), false, (ushort)(incompleteSources | 0xffff));
                }
                BpfInstruction i = program[p.Pc];
                switch (i.Code)
                {
                    case Bpf.LdImm: p.A = Value.Exactly(i.K); p.Pc++; continue;
                    case Bpf.LdxImm: p.X = Value.Exactly(i.K); p.Pc++; continue;
                    case Bpf.LdLenW: p.A = Value.Exactly(SeccompInput.Size); p.Pc++; continue;
                    case Bpf.LdxLenW: p.X = Value.Exactly(SeccompInput.Size); p.Pc++; continue;
                    case Bpf.LdAbsW:
                    {
                        int word = (int)(i.K / 4);
                        WordRange w = p.Input[word];
                        p.A = new Value { Low = w.Low, High = w.High, Sources = (ushort)(1 << word), Origin = (sbyte)word };
                        p.Pc++;
                        continue;
                    }
                    case Bpf.LdMem: p.A = p.Memory[i.K]; p.Pc++; continue;
                    case Bpf.LdxMem: p.X = p.Memory[i.K]; p.Pc++; continue;
                    case Bpf.St: p.Memory[i.K] = p.A; p.Pc++; continue;
                    case Bpf.Stx: p.Memory[i.K] = p.X; p.Pc++; continue;
                    case Bpf.Tax: p.X = p.A; p.Pc++; continue;
                    case Bpf.Txa: p.A = p.X; p.Pc++; continue;
                    case Bpf.Neg:
                        p.A = p.A.IsExact ? Value.Exactly(unchecked(0u - p.A.Low)) : Value.Range(0, uint.MaxValue, p.A.Sources);
                        p.Pc++;
                        continue;
                    case Bpf.Ja: p.Pc += 1 + (int)i.K; continue;
                    case Bpf.RetK: Return(i.K, p.DependsOn); break;
                    case Bpf.RetA:
                        if (p.A.IsExact) Return(p.A.Low, p.DependsOn);
                        else { complete = false; incompleteSources |= (ushort)(p.DependsOn | p.A.Sources); }
                        break;
                    default:
                        if (Bpf.IsAlu(i.Code, out int op, out bool fromX))
                        {
                            Value b = fromX ? p.X : Value.Exactly(i.K);
                            if (op == Bpf.OpDiv && b.Low == 0)
                            {
                                // The kernel ends a classic program that divides by a zero X with return value 0.
                                Return(0, (ushort)(p.DependsOn | b.Sources));
                                if (b.High == 0) break;
                                b.Low = 1;
                                p.DependsOn |= b.Sources;
                            }
                            p.A = Alu(op, p.A, b);
                            p.Pc++;
                            continue;
                        }
                        if (Bpf.IsConditionalJump(i.Code, out int jop, out bool jx))
                        {
                            Value b = jx ? p.X : Value.Exactly(i.K);
                            int whenTrue = p.Pc + 1 + i.JumpTrue, whenFalse = p.Pc + 1 + i.JumpFalse;
                            bool? taken = Compare(jop, p.A, b);
                            if (taken is not null || whenTrue == whenFalse)
                            {
                                p.Pc = taken ?? true ? whenTrue : whenFalse;
                                continue;
                            }
                            Path other = p.Clone();
                            ushort sources = (ushort)(p.A.Sources | b.Sources);
                            p.DependsOn |= sources;
                            other.DependsOn |= sources;
                            if (p.A.Origin >= 0 && b.IsExact) NarrowBranches(jop, p, other, b.Low);
                            p.Pc = whenTrue;
                            other.Pc = whenFalse;
                            pending.Push(other);
                            continue;
                        }
                        throw new InvalidDataException($"Instruction {p.Pc} {i} is not a seccomp instruction.");
                }
                break;
            }
        }
        return new BpfAnalysis(ToList(returns), complete, incompleteSources);
    }

    private static List<BpfReturn> ToList(Dictionary<uint, ushort> returns)
        => returns.OrderBy(r => r.Key).Select(r => new BpfReturn(r.Key, r.Value)).ToList();

    private static Value Alu(int op, Value a, Value b)
    {
        if (a.IsExact && b.IsExact)
        {
            uint x = a.Low, y = b.Low;
            uint r = op switch
            {
                Bpf.OpAdd => unchecked(x + y),
                Bpf.OpSub => unchecked(x - y),
                Bpf.OpMul => unchecked(x * y),
                Bpf.OpDiv => x / y,
                Bpf.OpOr => x | y,
                Bpf.OpAnd => x & y,
                Bpf.OpXor => x ^ y,
                Bpf.OpLsh => x << (int)(y & 31),
                _ => x >> (int)(y & 31),
            };
            return Value.Exactly(r);
        }
        ushort sources = (ushort)(a.Sources | b.Sources);
        if (op == Bpf.OpAnd && b.IsExact) return Value.Range(0, Math.Min(a.High, b.Low), sources);
        if (op == Bpf.OpAnd && a.IsExact) return Value.Range(0, Math.Min(b.High, a.Low), sources);
        if (op == Bpf.OpRsh && b.IsExact) return Value.Range(a.Low >> (int)(b.Low & 31), a.High >> (int)(b.Low & 31), sources);
        if (op == Bpf.OpDiv && b.IsExact) return Value.Range(a.Low / b.Low, a.High / b.Low, sources);
        return Value.Range(0, uint.MaxValue, sources);
    }

    /// <summary>The jump's outcome when the ranges decide it; null when either branch is possible.</summary>
    private static bool? Compare(int op, Value a, Value b)
    {
        switch (op)
        {
            case Bpf.OpJeq:
                if (a.IsExact && b.IsExact) return a.Low == b.Low;
                if (a.High < b.Low || b.High < a.Low) return false;
                return null;
            case Bpf.OpJgt:
                if (a.Low > b.High) return true;
                if (a.High <= b.Low) return false;
                return null;
            case Bpf.OpJge:
                if (a.Low >= b.High) return true;
                if (a.High < b.Low) return false;
                return null;
            default: // JSET
                if (a.IsExact && b.IsExact) return (a.Low & b.Low) != 0;
                if (a.High == 0 || b.High == 0) return false;
                if (b.IsExact && a.High < (b.Low & (~b.Low + 1))) return false;
                return null;
        }
    }

    /// <summary>What a jump of an input word against <paramref name="k"/> tells each branch about that word.</summary>
    private static void NarrowBranches(int op, Path taken, Path notTaken, uint k)
    {
        int word = taken.A.Origin;
        uint low = taken.A.Low, high = taken.A.High;
        switch (op)
        {
            case Bpf.OpJeq:
                taken.Narrow(word, k, k);
                if (k == low) notTaken.Narrow(word, low + 1, high);
                else if (k == high) notTaken.Narrow(word, low, high - 1);
                break;
            case Bpf.OpJgt: // a > k
                taken.Narrow(word, Math.Max(low, k + 1), high);
                notTaken.Narrow(word, low, Math.Min(high, k));
                break;
            case Bpf.OpJge: // a >= k
                taken.Narrow(word, Math.Max(low, k), high);
                notTaken.Narrow(word, low, Math.Min(high, k - 1));
                break;
        }
    }
}
