using System.Runtime.InteropServices;
using System.Text;

namespace PerfSecurity.Native;

/// <summary>
/// open/read/write/fsync/rename/fchmod/fchown/statx: files handled by descriptor, not by path.
/// Path strings reach the kernel as the bytes they name (<see cref="PathBytes"/>).
/// </summary>
public static partial class FileSystem
{
    public const int O_RDONLY = 0x0;
    public const int O_WRONLY = 0x1;
    public const int O_RDWR = 0x2;
    public const int O_CREAT = 0x40;
    public const int O_EXCL = 0x80;
    public const int O_NOCTTY = 0x100;
    public const int O_TRUNC = 0x200;
    public const int O_APPEND = 0x400;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;
    // O_DIRECTORY, O_NOFOLLOW and O_PATH differ between x86_64 and aarch64.
    public static readonly int O_DIRECTORY = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x4000 : 0x10000;
    public static readonly int O_NOFOLLOW = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x8000 : 0x20000;
    public const int O_PATH = 0x200000;

    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const int AT_EMPTY_PATH = 0x1000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(PathMarshaller))]
    private static partial int OpenRaw(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint ReadRaw(FileDescriptor fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint WriteRaw(FileDescriptor fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSyncRaw(FileDescriptor fd);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    private static partial int FChmodRaw(FileDescriptor fd, uint mode);

    [LibraryImport("libc", EntryPoint = "fchown", SetLastError = true)]
    private static partial int FChownRaw(FileDescriptor fd, uint owner, uint group);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(PathMarshaller))]
    private static partial int RenameRaw(string from, string to);

    [LibraryImport("libc", EntryPoint = "unlink", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(PathMarshaller))]
    private static partial int UnlinkRaw(string path);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(PathMarshaller))]
    private static unsafe partial int StatxRaw(int dirfd, string path, int flags, uint mask, StatxBuffer* buffer);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int StatxAtRaw(FileDescriptor dirfd, string path, int flags, uint mask, StatxBuffer* buffer);

    [LibraryImport("libc", EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(PathMarshaller))]
    private static partial IntPtr RealPathRaw(string path, IntPtr resolved);

    [LibraryImport("libc", EntryPoint = "readlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial nint ReadLinkRaw(string path, byte* buffer, nuint size);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(IntPtr p);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    internal static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "getegid")]
    internal static partial uint GetEffectiveGroupId();

    [LibraryImport("libc", EntryPoint = "faccessat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int FAccessAtRaw(int dirfd, string path, int mode, int flags);

    private const int X_OK = 1, AT_EACCESS = 0x200;

    /// <summary>
    /// Whether this process may execute the file, judged by the kernel with the effective ids (faccessat X_OK,
    /// AT_EACCESS): 0, or the errno exec would meet (EACCES for no x bit or a noexec mount, ENOENT, ...).
    /// </summary>
    public static int CheckExecute(string path) => FAccessAtRaw(AT_FDCWD, path, X_OK, AT_EACCESS) == 0 ? 0 : Errno.Last;

    /// <summary>Opens a file; always close-on-exec so no descriptor leaks into commands we start.</summary>
    public static FileDescriptor Open(string path, int flags, uint mode = 0)
    {
        int fd;
        do { fd = OpenRaw(path, flags | O_CLOEXEC, mode); } while (fd < 0 && Errno.Last == Errno.EINTR);
        if (fd < 0) throw new SystemCallException("open", Errno.Last, path);
        return new FileDescriptor(fd);
    }

    public static unsafe int Read(FileDescriptor fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                nint n = ReadRaw(fd, p, (nuint)buffer.Length);
                if (n >= 0) return (int)n;
                int e = Errno.Last;
                if (e != Errno.EINTR) throw new SystemCallException("read", e);
            }
        }
    }

    public static unsafe void WriteAll(FileDescriptor fd, ReadOnlySpan<byte> data, string? target = null)
    {
        fixed (byte* p = data)
        {
            int done = 0;
            while (done < data.Length)
            {
                nint n = WriteRaw(fd, p + done, (nuint)(data.Length - done));
                if (n < 0)
                {
                    int e = Errno.Last;
                    if (e == Errno.EINTR) continue;
                    throw new SystemCallException("write", e, target);
                }
                done += (int)n;
            }
        }
    }

    public static void FSync(FileDescriptor fd, string? target = null)
    {
        if (FSyncRaw(fd) != 0) throw new SystemCallException("fsync", Errno.Last, target);
    }

    public static void FChmod(FileDescriptor fd, uint mode, string? target = null)
    {
        if (FChmodRaw(fd, mode) != 0) throw new SystemCallException("fchmod", Errno.Last, target);
    }

    public static void FChown(FileDescriptor fd, uint owner, uint group, string? target = null)
    {
        if (FChownRaw(fd, owner, group) != 0) throw new SystemCallException("fchown", Errno.Last, target);
    }

    public static void Rename(string from, string to)
    {
        if (RenameRaw(from, to) != 0) throw new SystemCallException("rename", Errno.Last, to);
    }

    /// <summary>The canonical path with every symlink resolved, as the kernel would walk it.</summary>
    public static string RealPath(string path)
    {
        IntPtr p = RealPathRaw(path, IntPtr.Zero);
        if (p == IntPtr.Zero) throw new SystemCallException("realpath", Errno.Last, path);
        try { unsafe { return PathBytes.FromCString((byte*)p); } }
        finally { Free(p); }
    }

    /// <summary>The target of a symbolic link, as stored (not resolved).</summary>
    public static unsafe string ReadLink(string path)
    {
        var buffer = new byte[4096];
        nint n;
        fixed (byte* p = buffer) n = ReadLinkRaw(path, p, (nuint)buffer.Length);
        if (n < 0) throw new SystemCallException("readlink", Errno.Last, path);
        return Encoding.UTF8.GetString(buffer, 0, (int)n);
    }

    /// <summary>Removes a file; a missing file is not an error.</summary>
    public static void UnlinkIfExists(string path)
    {
        if (UnlinkRaw(path) != 0 && Errno.Last != Errno.ENOENT) throw new SystemCallException("unlink", Errno.Last, path);
    }

    /// <summary>Writes a small text to a kernel file such as /proc/sys/..., reporting the kernel's errno.</summary>
    public static void WriteText(string path, string text)
    {
        using var fd = Open(path, O_WRONLY | O_TRUNC);
        WriteAll(fd, Encoding.ASCII.GetBytes(text), path);
    }

    /// <summary>statx of a path (not following a final symlink when <paramref name="followLinks"/> is false).</summary>
    public static unsafe FileStatus Stat(string path, bool followLinks = true)
    {
        StatxBuffer b;
        int flags = followLinks ? 0 : AT_SYMLINK_NOFOLLOW;
        if (StatxRaw(AT_FDCWD, path, flags, StatxBuffer.BasicStats, &b) != 0)
            throw new SystemCallException("statx", Errno.Last, path);
        return new FileStatus(b.Mode, b.Uid, b.Gid, b.Size, b.Nlink, b.Ino, ((ulong)b.DevMajor << 32) | b.DevMinor,
            ((ulong)b.RdevMajor << 32) | b.RdevMinor);
    }

    /// <summary>statx of an open descriptor: the file itself, whatever its path now points to.</summary>
    public static unsafe FileStatus Stat(FileDescriptor fd)
    {
        StatxBuffer b;
        if (StatxAtRaw(fd, "", AT_EMPTY_PATH, StatxBuffer.BasicStats, &b) != 0)
            throw new SystemCallException("statx", Errno.Last);
        return new FileStatus(b.Mode, b.Uid, b.Gid, b.Size, b.Nlink, b.Ino, ((ulong)b.DevMajor << 32) | b.DevMinor,
            ((ulong)b.RdevMajor << 32) | b.RdevMinor);
    }

    // struct statx is the same on every architecture (unlike struct stat).
    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct StatxBuffer
    {
        public const uint BasicStats = 0x7ff;
        public uint Mask;
        public uint Blksize;
        public ulong Attributes;
        public uint Nlink;
        public uint Uid;
        public uint Gid;
        public ushort Mode;
        private readonly ushort _spare0;
        public ulong Ino;
        public ulong Size;
        public ulong Blocks;
        public ulong AttributesMask;
        private fixed byte _times[64]; // atime, btime, ctime, mtime: 4 × 16 bytes
        public uint RdevMajor;
        public uint RdevMinor;
        public uint DevMajor;
        public uint DevMinor;
        private fixed ulong _spare2[14];
    }
}
