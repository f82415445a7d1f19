using System.Runtime.InteropServices;

namespace PerfSecurity.Native;

/// <summary>Raw directory reading for scans: getdents64 gives each entry's type, so no stat per file.</summary>
public static partial class FileSystem
{
    public const byte DT_UNKNOWN = 0, DT_DIR = 4, DT_REG = 8, DT_LNK = 10;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    private static unsafe partial int OpenBytesRaw(byte* path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true)]
    private static unsafe partial int OpenAtBytesRaw(int dirfd, byte* path, int flags, uint mode);

    // struct open_how (include/uapi/linux/openat2.h).
    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    /// <summary>__NR_openat2: the same number in the x86_64 table and the generic one (arm64); glibc has no wrapper.</summary>
    private const long OpenAt2Number = 437;
    private const ulong RESOLVE_NO_SYMLINKS = 0x04;

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static unsafe partial nint OpenAt2Raw(long number, int dirfd, byte* path, OpenHow* how, nuint size);

    // Set once openat2 is missing (ENOSYS, before Linux 5.6) or filtered (EPERM): then one name at a time.
    private static volatile bool s_noOpenAt2;

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
    /// Opens the directory at <paramref name="relative"/> (NUL-terminated, names separated by single slashes, no
    /// "." or "..") below the directory <paramref name="dirfd"/> holds, following no symbolic link on the way or at
    /// the end: a name someone swapped for a link since it was listed gives ELOOP (or ENOTDIR), never the directory
    /// the link names. openat2 with RESOLVE_NO_SYMLINKS, else openat with O_NOFOLLOW one name at a time. -errno on failure.
    /// </summary>
    public static unsafe int OpenDirectoryBelow(int dirfd, byte* relative)
    {
        int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
        if (!s_noOpenAt2)
        {
            var how = new OpenHow { Flags = (ulong)flags, Resolve = RESOLVE_NO_SYMLINKS };
            nint fd;
            do { fd = OpenAt2Raw(OpenAt2Number, dirfd, relative, &how, (nuint)sizeof(OpenHow)); } while (fd < 0 && Errno.Last == Errno.EINTR);
            if (fd >= 0) return (int)fd;
            int error = Errno.Last;
            if (error is not (Errno.ENOSYS or Errno.EPERM)) return -error;
            s_noOpenAt2 = true;
        }
        int current = dirfd;
        byte* name = relative;
        while (true)
        {
            byte* end = name;
            while (*end != 0 && *end != (byte)'/') end++;
            bool last = *end == 0;
            if (!last) *end = 0; // in the caller's buffer, put back at once
            int next;
            do { next = OpenAtBytesRaw(current, name, last ? flags : O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0); }
            while (next < 0 && Errno.Last == Errno.EINTR);
            int error = next < 0 ? Errno.Last : 0;
            if (!last) *end = (byte)'/';
            if (current != dirfd) Close(current);
            if (next < 0) return -error;
            if (last) return next;
            current = next;
            name = end + 1;
        }
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
