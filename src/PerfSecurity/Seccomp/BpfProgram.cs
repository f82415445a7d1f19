using System.Buffers.Binary;
using System.Globalization;

namespace PerfSecurity.Seccomp;

/// <summary>One classic BPF instruction (struct sock_filter: u16 code, u8 jt, u8 jf, u32 k).</summary>
public readonly record struct BpfInstruction(ushort Code, byte JumpTrue, byte JumpFalse, uint K)
{
    public const int Size = 8;

    /// <summary>Decodes struct sock_filter entries in this machine's byte order (x86_64 and aarch64: little-endian).</summary>
    public static BpfInstruction[] Decode(ReadOnlySpan<byte> raw)
    {
        if (raw.Length % Size != 0)
            throw new InvalidDataException($"{raw.Length} bytes are not a whole number of 8-byte BPF instructions.");
        var program = new BpfInstruction[raw.Length / Size];
        for (int i = 0; i < program.Length; i++)
        {
            ReadOnlySpan<byte> e = raw.Slice(i * Size, Size);
            program[i] = new BpfInstruction(BinaryPrimitives.ReadUInt16LittleEndian(e), e[2], e[3], BinaryPrimitives.ReadUInt32LittleEndian(e[4..]));
        }
        return program;
    }

    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{{ 0x{Code:x2}, {JumpTrue}, {JumpFalse}, 0x{K:x8} }}");
}

/// <summary>The classic BPF opcodes a seccomp filter may use (kernel/seccomp.c, seccomp_check_filter).</summary>
internal static class Bpf
{
    public const ushort LdImm = 0x00, LdAbsW = 0x20, LdMem = 0x60, LdLenW = 0x80;
    public const ushort LdxImm = 0x01, LdxMem = 0x61, LdxLenW = 0x81;
    public const ushort St = 0x02, Stx = 0x03;
    public const ushort Ja = 0x05;
    public const ushort RetK = 0x06, RetA = 0x16;
    public const ushort Tax = 0x07, Txa = 0x87;
    public const ushort Neg = 0x84;

    public const int ClassAlu = 0x04, ClassJmp = 0x05;
    public const int OpAdd = 0x00, OpSub = 0x10, OpMul = 0x20, OpDiv = 0x30, OpOr = 0x40, OpAnd = 0x50, OpLsh = 0x60, OpRsh = 0x70, OpXor = 0xa0;
    public const int OpJeq = 0x10, OpJgt = 0x20, OpJge = 0x30, OpJset = 0x40;
    public const int SourceX = 0x08;

    /// <summary>Scratch memory words (BPF_MEMWORDS).</summary>
    public const int MemoryWords = 16;
    /// <summary>Longest program the kernel accepts (BPF_MAXINSNS).</summary>
    public const int MaxInstructions = 4096;

    public static bool IsAlu(ushort code, out int op, out bool fromX)
    {
        op = code & 0xf0;
        fromX = (code & SourceX) != 0;
        if ((code & 0x07) != ClassAlu || code == Neg) return false;
        return op is OpAdd or OpSub or OpMul or OpDiv or OpOr or OpAnd or OpLsh or OpRsh or OpXor;
    }

    public static bool IsConditionalJump(ushort code, out int op, out bool fromX)
    {
        op = code & 0xf0;
        fromX = (code & SourceX) != 0;
        return (code & 0x07) == ClassJmp && (code & ~(0xf0 | SourceX)) == ClassJmp && op is OpJeq or OpJgt or OpJge or OpJset;
    }

    /// <summary>
    /// The checks the kernel made when the filter was installed (bpf_check_classic and seccomp_check_filter):
    /// allowed opcodes, jumps inside the program, aligned loads inside struct seccomp_data, a return at the end.
    /// </summary>
    public static void Validate(IReadOnlyList<BpfInstruction> program)
    {
        if (program.Count == 0 || program.Count > MaxInstructions)
            throw new InvalidDataException($"A seccomp filter has 1 to {MaxInstructions} instructions, not {program.Count}.");
        for (int pc = 0; pc < program.Count; pc++)
        {
            BpfInstruction i = program[pc];
            string where = string.Create(CultureInfo.InvariantCulture, $"instruction {pc} {i}");
            switch (i.Code)
            {
                case LdAbsW:
                    if (i.K >= SeccompInput.Size || (i.K & 3) != 0) throw new InvalidDataException($"{where} loads outside struct seccomp_data.");
                    continue;
                case LdMem or LdxMem or St or Stx:
                    if (i.K >= MemoryWords) throw new InvalidDataException($"{where} uses scratch word {i.K}.");
                    continue;
                case LdImm or LdxImm or LdLenW or LdxLenW or RetK or RetA or Tax or Txa or Neg:
                    continue;
                case Ja:
                    if ((ulong)pc + 1 + i.K >= (ulong)program.Count) throw new InvalidDataException($"{where} jumps past the end.");
                    continue;
            }
            if (IsAlu(i.Code, out int op, out bool fromX))
            {
                if (!fromX && op == OpDiv && i.K == 0) throw new InvalidDataException($"{where} divides by zero.");
                if (!fromX && op is OpLsh or OpRsh && i.K >= 32) throw new InvalidDataException($"{where} shifts by {i.K}.");
                continue;
            }
            if (IsConditionalJump(i.Code, out _, out _))
            {
                if (pc + 1 + Math.Max(i.JumpTrue, i.JumpFalse) >= program.Count) throw new InvalidDataException($"{where} jumps past the end.");
                continue;
            }
            throw new InvalidDataException($"{where} is not an instruction seccomp accepts.");
        }
        if (program[^1].Code is not (RetK or RetA))
            throw new InvalidDataException("A seccomp filter must end with a return instruction.");
    }
}
