namespace PerfSecurity.Seccomp;

/// <summary>The values one 32-bit word of struct seccomp_data may hold: an unsigned range, one value when known.</summary>
public readonly record struct WordRange(uint Low, uint High)
{
    public static WordRange Any => new(0, uint.MaxValue);
    public static WordRange Exactly(uint value) => new(value, value);
    public bool IsExact => Low == High;
    public bool Contains(uint value) => value >= Low && value <= High;
}
