using System.Runtime.InteropServices;

namespace PerfSecurity.Native;

/// <summary>fstatfs: what the filesystem holding an open file is, and how it is mounted.</summary>
public static partial class FileSystem
{
    /// <summary>statfs f_flags bit: the mount ignores set-user-ID, set-group-ID and file capabilities.</summary>
    public const long ST_NOSUID = 0x2;
    private const long ST_VALID = 0x20;

    /// <summary>statfs f_type of tracefs and of debugfs (include/uapi/linux/magic.h).</summary>
    public const long TRACEFS_MAGIC = 0x74726163, DEBUGFS_MAGIC = 0x64626720;

    [LibraryImport("libc", EntryPoint = "fstatfs", SetLastError = true)]
    private static unsafe partial int FStatFsRaw(FileDescriptor fd, long* buffer);

    // struct statfs on 64-bit Linux: 15 longs plus spare; f_type is the first word, f_flags the 11th (offset 80).
    private static unsafe void FStatFs(FileDescriptor fd, long* buffer, string? target)
    {
        int r;
        do { r = FStatFsRaw(fd, buffer); } while (r != 0 && Errno.Last == Errno.EINTR);
        if (r != 0) throw new SystemCallException("fstatfs", Errno.Last, target);
    }

    /// <summary>The mount flags (ST_*) of the filesystem holding an open file.</summary>
    public static unsafe long MountFlags(FileDescriptor fd, string? target = null)
    {
        long* buffer = stackalloc long[16];
        FStatFs(fd, buffer, target);
        long flags = buffer[10];
        return (flags & ST_VALID) != 0 ? flags : 0;
    }

    /// <summary>The type (f_type, a *_MAGIC number) of the filesystem holding an open file; O_PATH descriptors do.</summary>
    public static unsafe long FileSystemType(FileDescriptor fd, string? target = null)
    {
        long* buffer = stackalloc long[16];
        FStatFs(fd, buffer, target);
        return buffer[0];
    }
}
