namespace PerfSecurity.Seccomp;

/// <summary>A classic BPF program installed as a seccomp filter; Index 0 is the one installed first.</summary>
public sealed record SeccompFilterProgram(int Index, IReadOnlyList<BpfInstruction> Instructions);
