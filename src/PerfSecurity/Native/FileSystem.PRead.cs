using System.Runtime.InteropServices;

namespace PerfSecurity.Native;

/// <summary>pread: bytes at an offset of an open file, leaving its file offset alone.</summary>
public static partial class FileSystem
{
    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    private static unsafe partial nint PReadRaw(FileDescriptor fd, byte* buffer, nuint count, long offset);

    /// <summary>The first bytes of an open file (pread at offset 0), for the #! and magic-number checks.</summary>
    public static int ReadHead(FileDescriptor fd, Span<byte> buffer) => PRead(fd, buffer, 0);

    /// <summary>One pread(2) at <paramref name="offset"/> (retried on EINTR): the bytes read, 0 at the end of the file.</summary>
    public static unsafe int PRead(FileDescriptor fd, Span<byte> buffer, long offset, string? shownAs = null)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                nint n = PReadRaw(fd, p, (nuint)buffer.Length, offset);
                if (n >= 0) return (int)n;
                if (Errno.Last != Errno.EINTR) throw new SystemCallException("pread", Errno.Last, shownAs);
            }
        }
    }
}
