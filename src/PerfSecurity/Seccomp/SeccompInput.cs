using System.Globalization;

namespace PerfSecurity.Seccomp;

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
