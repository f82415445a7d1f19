using System.Runtime.InteropServices;

namespace PerfSecurity.Seccomp;

/// <summary>
/// A system call ABI as seccomp sees it: the AUDIT_ARCH_* value in seccomp_data.arch and the numbers of the calls
/// perf makes (arch/x86/entry/syscalls/syscall_64.tbl; include/uapi/asm-generic/unistd.h for aarch64).
/// </summary>
public sealed record SyscallAbi(string Name, uint AuditArch, int PerfEventOpen, int OpenAt, int Read, int Mmap)
{
    /// <summary>AUDIT_ARCH_X86_64 = EM_X86_64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE.</summary>
    public static readonly SyscallAbi X64 = new("x86_64", 0xC000003E, 298, 257, 0, 9);
    /// <summary>AUDIT_ARCH_AARCH64 = EM_AARCH64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE.</summary>
    public static readonly SyscallAbi Arm64 = new("aarch64", 0xC00000B7, 241, 56, 63, 222);

    /// <summary>The ABI of this process's architecture, or null where the module does not know its numbers.</summary>
    public static SyscallAbi? Native => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => X64,
        Architecture.Arm64 => Arm64,
        _ => null,
    };

    /// <summary>
    /// The ABI a program's ELF header (e_ident[EI_CLASS] and e_machine) implies, or null for one whose calls this
    /// module does not evaluate (32-bit programs: compat numbers and AUDIT_ARCH_I386 or _ARM).
    /// </summary>
    public static SyscallAbi? FromElfHeader(ReadOnlySpan<byte> header)
    {
        if (header.Length < 20 || header[0] != 0x7f || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F') return null;
        bool is64 = header[4] == 2;
        ushort machine = (ushort)(header[18] | header[19] << 8);
        return (is64, machine) switch
        {
            (true, 62) => X64,
            (true, 183) => Arm64,
            _ => null,
        };
    }
}
