using System.Runtime.InteropServices;
using PerfSecurity.Errors;

namespace PerfSecurity.Native;

/// <summary>pread: bytes at an offset of an open file, leaving its file offset alone.</summary>
public static partial class FileSystem
{
    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    private static unsafe partial nint PReadRaw(FileDescriptor fd, byte* buffer, nuint count, long offset);

    /// <summary>The first bytes of an open file (pread at offset 0), for the #! and magic-number checks.</summary>
    public static unsafe int ReadHead(FileDescriptor fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                nint n = PReadRaw(fd, p, (nuint)buffer.Length, 0);
                if (n >= 0) return (int)n;
                if (Errno.Last != Errno.EINTR) throw new SystemCallException("pread", Errno.Last);
            }
        }
    }
}
