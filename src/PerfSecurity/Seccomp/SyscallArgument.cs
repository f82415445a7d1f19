using System.Globalization;

namespace PerfSecurity.Seccomp;

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
