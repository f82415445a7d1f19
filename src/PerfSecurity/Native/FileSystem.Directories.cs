using System.Runtime.InteropServices;

namespace PerfSecurity.Native;

/// <summary>Raw directory reading for scans: getdents64 gives each entry's type, so no stat per file.</summary>
public static partial class FileSystem
{
    public const byte DT_UNKNOWN = 0, DT_DIR = 4, DT_REG = 8, DT_LNK = 10;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    private static unsafe partial int OpenBytesRaw(byte* path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "getdents64", SetLastError = true)]
    private static unsafe partial nint GetDents64Raw(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "getdents64", SetLastError = true)]
    private static unsafe partial nint GetDents64Raw(FileDescriptor fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static unsafe partial int StatxBytesRaw(int dirfd, byte* path, int flags, uint mask, StatxBuffer* buffer);

    /// <summary>Opens a directory (NUL-terminated UTF-8 path) without following a final symlink; -errno on failure.</summary>
    public static unsafe int OpenDirectory(byte* path)
    {
        int fd;
        do { fd = OpenBytesRaw(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0); } while (fd < 0 && Errno.Last == Errno.EINTR);
        return fd < 0 ? -Errno.Last : fd;
    }

    /// <summary>
    /// The names in a directory (symlinks to it followed, as the configuration readers do), as raw bytes
    /// without "." and "..", in no particular order; null when it does not exist or is not a directory.
    /// </summary>
    public static unsafe List<byte[]>? ListNames(string path)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        int fd;
        fixed (byte* p = bytes)
        {
            do { fd = OpenBytesRaw(p, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC, 0); } while (fd < 0 && Errno.Last == Errno.EINTR);
        }
        if (fd < 0)
        {
            int e = Errno.Last;
            if (e is Errno.ENOENT or Errno.ENOTDIR) return null;
            throw new SystemCallException("open", e, path);
        }
        var names = new List<byte[]>();
        var buffer = new byte[32 * 1024];
        try
        {
            while (true)
            {
                int n = ReadDirectoryEntries(fd, buffer);
                if (n < 0) throw new SystemCallException("getdents64", -n, path);
                if (n == 0) return names;
                for (int off = 0; off < n;)
                {
                    // linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, NUL-terminated name.
                    int reclen = buffer[off + 16] | (buffer[off + 17] << 8);
                    var name = buffer.AsSpan(off + 19, reclen - 19);
                    name = name[..name.IndexOf((byte)0)];
                    off += reclen;
                    if (name.Length == 0 || (name[0] == '.' && (name.Length == 1 || (name.Length == 2 && name[1] == '.')))) continue;
                    names.Add(name.ToArray());
                }
            }
        }
        finally
        {
            Close(fd);
        }
    }

    /// <summary>Fills <paramref name="buffer"/> with linux_dirent64 records from a directory held open; 0 at the end, -errno on failure.</summary>
    public static unsafe int ReadDirectoryEntries(FileDescriptor fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            nint n;
            do { n = GetDents64Raw(fd, p, (nuint)buffer.Length); } while (n < 0 && Errno.Last == Errno.EINTR);
            return n < 0 ? -Errno.Last : (int)n;
        }
    }

    /// <summary>
    /// As <see cref="ReadDirectoryEntries(FileDescriptor, Span{byte})"/> on a raw descriptor: the capability scanner
    /// opens and closes its own directories by number, millions of times, without a SafeHandle for each.
    /// </summary>
    public static unsafe int ReadDirectoryEntries(int fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            nint n;
            do { n = GetDents64Raw(fd, p, (nuint)buffer.Length); } while (n < 0 && Errno.Last == Errno.EINTR);
            return n < 0 ? -Errno.Last : (int)n;
        }
    }

    /// <summary>The DT_* type of a directory entry from lstat, for filesystems whose getdents gives DT_UNKNOWN.</summary>
    public static unsafe byte EntryType(int dirfd, byte* name)
    {
        StatxBuffer b;
        if (StatxBytesRaw(dirfd, name, AT_SYMLINK_NOFOLLOW, 0x1 /* STATX_TYPE */, &b) != 0) return DT_UNKNOWN;
        return (byte)((b.Mode & FileStatus.S_IFMT) >> 12);
    }
}
