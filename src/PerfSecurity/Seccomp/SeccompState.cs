namespace PerfSecurity.Seccomp;

/// <summary>
/// The seccomp state of a process: its mode (0 none, 1 strict, 2 filter), and in filter mode the filters the
/// kernel holds for it, or why they could not be read.
/// </summary>
public sealed record SeccompState(int Mode, IReadOnlyList<SeccompFilterProgram>? Filters, string? Unreadable, SyscallAbi? Abi,
    SeccompContext Context, int ThreadId, IReadOnlyList<string> Notes)
{
    public static SeccompState None(int mode) => new(mode, null, null, SyscallAbi.Native, new SeccompContext(0, false), 0, Array.Empty<string>());
}
