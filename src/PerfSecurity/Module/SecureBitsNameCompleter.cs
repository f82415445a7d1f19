using PerfSecurity.Capabilities;

namespace PerfSecurity.Module;

/// <summary>Completes SECBIT_* names, each with its meaning as tooltip.</summary>
public sealed class SecureBitsNameCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values()
        => SecureBitsText.All().Select(t => (t.Name, $"0x{(int)t.Bit:x}: {t.Meaning}"));
}
