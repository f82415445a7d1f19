using System.Runtime.InteropServices;
using PerfSecurity.Errors;

namespace PerfSecurity.Native;

/// <summary>prctl for capability state of the calling thread, and fstatfs for mount flags.</summary>
public static partial class CapabilityControl
{
    private const int PR_CAPBSET_READ = 23;
    private const int PR_GET_SECUREBITS = 27;
    private const int PR_GET_NO_NEW_PRIVS = 39;

    /// <summary>statfs f_flags bit: the mount ignores set-user-ID, set-group-ID and file capabilities.</summary>
    public const long ST_NOSUID = 0x2;
    private const long ST_VALID = 0x20;

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc", EntryPoint = "fstatfs", SetLastError = true)]
    private static unsafe partial int FStatFsRaw(int fd, long* buffer);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    private static unsafe partial nint PReadRaw(int fd, byte* buffer, nuint count, long offset);

    /// <summary>The first bytes of an open file (pread at offset 0, leaving the file offset alone), for the #! check.</summary>
    public static unsafe int ReadHead(FileDescriptor fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                nint n = PReadRaw(fd.Value, p, (nuint)buffer.Length, 0);
                if (n >= 0) return (int)n;
                if (Errno.Last != Errno.EINTR) throw new SystemCallException("pread", Errno.Last);
            }
        }
    }

    /// <summary>The calling thread's secure bits (SECBIT_*).</summary>
    public static int GetSecureBits()
    {
        int r = Prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
        if (r < 0) throw new SystemCallException("prctl(PR_GET_SECUREBITS)", Errno.Last);
        return r;
    }

    public static bool GetNoNewPrivs()
    {
        int r = Prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
        if (r < 0) throw new SystemCallException("prctl(PR_GET_NO_NEW_PRIVS)", Errno.Last);
        return r == 1;
    }

    /// <summary>Whether the kernel knows capability <paramref name="cap"/> (EINVAL for numbers beyond its last one).</summary>
    public static bool KernelKnows(int cap) => Prctl(PR_CAPBSET_READ, (nuint)cap, 0, 0, 0) >= 0;

    /// <summary>The mount flags (ST_*) of the filesystem holding an open file.</summary>
    public static unsafe long MountFlags(FileDescriptor fd, string? target = null)
    {
        // struct statfs on 64-bit Linux: 15 longs plus spare; f_flags is the 11th word (offset 80).
        long* buffer = stackalloc long[16];
        if (FStatFsRaw(fd.Value, buffer) != 0) throw new SystemCallException("fstatfs", Errno.Last, target);
        long flags = buffer[10];
        return (flags & ST_VALID) != 0 ? flags : 0;
    }
}
