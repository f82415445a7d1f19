namespace PerfSecurity.Seccomp;

/// <summary>A value a filter may return, and the seccomp_data words (bit per word) its path depended on.</summary>
public readonly record struct BpfReturn(uint Value, ushort DependsOn);
