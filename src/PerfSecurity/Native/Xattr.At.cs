using System.Runtime.InteropServices;

namespace PerfSecurity.Native;

/// <summary>getxattrat(2) and listxattrat(2) (Linux 6.13): the attributes of a name in a directory held open, so a
/// scan looks up one component per file instead of its whole path.</summary>
public static partial class Xattr
{
    private const uint AT_SYMLINK_NOFOLLOW = 0x100;

    // struct xattr_args (include/uapi/linux/xattr.h): where the value goes, its size, flags (0 to read).
    [StructLayout(LayoutKind.Sequential)]
    private struct XattrArgs
    {
        public ulong Value;
        public uint Size;
        public uint Flags;
    }

    /// <summary>__NR_getxattrat and __NR_listxattrat: the same numbers in the x86_64 table and the generic one (arm64); glibc has no wrappers yet.</summary>
    private const long GetXattrAtNumber = 464, ListXattrAtNumber = 465;

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static unsafe partial nint ListXattrAtRaw(long number, int dirfd, byte* path, uint atFlags, byte* list, nuint size);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static unsafe partial nint GetXattrAtRaw(long number, int dirfd, byte* path, uint atFlags, byte* name, XattrArgs* args, nuint size);

    /// <summary>
    /// getxattrat(dirfd, name, AT_SYMLINK_NOFOLLOW) for NUL-terminated names: the value's length, or -errno
    /// (ENODATA when there is none, ENOSYS on kernels before 6.13). A symbolic link is never followed.
    /// </summary>
    public static unsafe int GetAtNoFollow(int dirfd, byte* entry, byte* name, Span<byte> value)
    {
        fixed (byte* v = value)
        {
            var args = new XattrArgs { Value = (ulong)v, Size = (uint)value.Length };
            nint n;
            do { n = GetXattrAtRaw(GetXattrAtNumber, dirfd, entry, AT_SYMLINK_NOFOLLOW, name, &args, (nuint)sizeof(XattrArgs)); }
            while (n < 0 && Errno.Last == Errno.EINTR);
            return n < 0 ? -Errno.Last : (int)n;
        }
    }

    /// <summary>
    /// listxattrat(dirfd, name, AT_SYMLINK_NOFOLLOW): the attribute names, each NUL-terminated, and their total
    /// length, or -errno (ERANGE when they do not fit). Cheaper than a getxattrat that finds nothing.
    /// </summary>
    public static unsafe int ListAtNoFollow(int dirfd, byte* entry, Span<byte> list)
    {
        fixed (byte* l = list)
        {
            nint n;
            do { n = ListXattrAtRaw(ListXattrAtNumber, dirfd, entry, AT_SYMLINK_NOFOLLOW, l, (nuint)list.Length); }
            while (n < 0 && Errno.Last == Errno.EINTR);
            return n < 0 ? -Errno.Last : (int)n;
        }
    }
}
