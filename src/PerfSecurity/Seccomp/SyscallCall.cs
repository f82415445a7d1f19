namespace PerfSecurity.Seccomp;

/// <summary>A system call to judge: its number, the arguments its caller passes and a short text for messages.</summary>
public sealed record SyscallCall(string Name, int Number, IReadOnlyList<SyscallArgument> Arguments)
{
    /// <summary>"perf_event_open(attr, 0, -1, -1, 0x8)".</summary>
    public override string ToString() => $"{Name}({string.Join(", ", Arguments.Select(a => a.Text))})";
}
