using System.Globalization;

namespace PerfSecurity.Seccomp;

/// <summary>The values one 32-bit word of struct seccomp_data may hold: an unsigned range, one value when known.</summary>
public readonly record struct WordRange(uint Low, uint High)
{
    public static WordRange Any => new(0, uint.MaxValue);
    public static WordRange Exactly(uint value) => new(value, value);
    public bool IsExact => Low == High;
    public bool Contains(uint value) => value >= Low && value <= High;
}

/// <summary>
/// One argument of a system call as a 64-bit register: the ranges of its low and high 32-bit words. A negative C
/// int has an undetermined high word: compilers pass it zero-extended (0x00000000ffffffff) or sign-extended.
/// </summary>
public readonly record struct SyscallArgument(WordRange Low, WordRange High, string Text)
{
    /// <summary>A pointer or any other value nobody can know in advance.</summary>
    public static SyscallArgument Unknown(string text) => new(WordRange.Any, WordRange.Any, text);

    /// <summary>A C int: known low word; the high word is 0 for values >= 0 and undetermined for negative ones.</summary>
    public static SyscallArgument SignExtended(int value)
        => new(WordRange.Exactly(unchecked((uint)value)), value >= 0 ? WordRange.Exactly(0) : WordRange.Any,
            value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A non-negative value in a range (a pid, a CPU number, flags).</summary>
    public static SyscallArgument Between(uint low, uint high, string text) => new(new WordRange(low, high), WordRange.Exactly(0), text);

    /// <summary>An unsigned long value, known; <paramref name="text"/> names it in messages (default: the number).</summary>
    public static SyscallArgument Exactly(ulong value, string? text = null)
        => new(WordRange.Exactly((uint)value), WordRange.Exactly((uint)(value >> 32)), text ?? value.ToString(CultureInfo.InvariantCulture));
}

/// <summary>A system call to judge: its number, the arguments its caller passes and a short text for messages.</summary>
public sealed record SyscallCall(string Name, int Number, IReadOnlyList<SyscallArgument> Arguments)
{
    /// <summary>"perf_event_open(attr, 0, -1, -1, 0x8)".</summary>
    public override string ToString() => $"{Name}({string.Join(", ", Arguments.Select(a => a.Text))})";
}

/// <summary>
/// struct seccomp_data as 16 little-endian 32-bit words: nr, arch, instruction_pointer (low, high), then args[0..5]
/// (low, high each). Each word is a range: the analysis follows every branch a word outside one value could take.
/// </summary>
public sealed class SeccompInput
{
    public const int Size = 64;
    public const int Words = Size / 4;

    private readonly WordRange[] _words;

    public SeccompInput(WordRange[] words)
    {
        if (words.Length != Words) throw new ArgumentException($"struct seccomp_data has {Words} words.", nameof(words));
        _words = (WordRange[])words.Clone();
    }

    public WordRange this[int word] => _words[word];

    internal WordRange[] CopyWords() => (WordRange[])_words.Clone();

    /// <summary>The input for one call: known nr and arch, unknown instruction pointer, the call's arguments.</summary>
    public static SeccompInput For(SyscallCall call, uint auditArch)
    {
        var words = new WordRange[Words];
        words[0] = WordRange.Exactly(unchecked((uint)call.Number));
        words[1] = WordRange.Exactly(auditArch);
        words[2] = WordRange.Any;
        words[3] = WordRange.Any;
        for (int i = 0; i < 6; i++)
        {
            SyscallArgument a = i < call.Arguments.Count ? call.Arguments[i] : SyscallArgument.Unknown("?");
            words[4 + 2 * i] = a.Low;
            words[5 + 2 * i] = a.High;
        }
        return new SeccompInput(words);
    }

    /// <summary>The field a word belongs to, as messages name it.</summary>
    public static string WordName(int word) => word switch
    {
        0 => "the system call number",
        1 => "the architecture",
        2 => "the instruction pointer (low 32 bits)",
        3 => "the instruction pointer (high 32 bits)",
        _ => string.Create(CultureInfo.InvariantCulture, $"args[{(word - 4) / 2}] ({((word & 1) == 0 ? "low" : "high")} 32 bits)"),
    };
}
