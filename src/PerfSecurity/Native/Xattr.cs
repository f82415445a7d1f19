using System.Runtime.InteropServices;

namespace PerfSecurity.Native;

/// <summary>Extended attributes by descriptor (f*) or, for scans, by path without following symlinks (l*).</summary>
public static partial class Xattr
{
    private const int XATTR_SIZE_MAX = 65536;

    [LibraryImport("libc", EntryPoint = "fgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial nint FGetRaw(FileDescriptor fd, string name, byte* value, nuint size);

    [LibraryImport("libc", EntryPoint = "lgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(PathMarshaller))]
    private static unsafe partial nint LGetRaw(string path, string name, byte* value, nuint size);

    [LibraryImport("libc", EntryPoint = "lgetxattr", SetLastError = true)]
    private static unsafe partial nint LGetBytesRaw(byte* path, byte* name, byte* value, nuint size);

    [LibraryImport("libc", EntryPoint = "getxattr", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(PathMarshaller))]
    private static unsafe partial nint GetRaw(string path, string name, byte* value, nuint size);

    [LibraryImport("libc", EntryPoint = "fsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int FSetRaw(FileDescriptor fd, string name, byte* value, nuint size, int flags);

    [LibraryImport("libc", EntryPoint = "fremovexattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int FRemoveRaw(FileDescriptor fd, string name);

    /// <summary>The attribute's value, or null when the file has none (ENODATA).</summary>
    public static unsafe byte[]? Get(FileDescriptor fd, string name)
        => GetWith((p, n) => FGetRaw(fd, name, p, n), "fgetxattr", null);

    /// <summary>The attribute of the path itself (a symlink is not followed), or null when there is none.</summary>
    public static unsafe byte[]? GetNoFollow(string path, string name)
        => GetWith((p, n) => LGetRaw(path, name, p, n), "lgetxattr", path);

    /// <summary>The attribute of the file a path leads to (symlinks followed), or null when there is none.</summary>
    public static unsafe byte[]? Get(string path, string name)
        => GetWith((p, n) => GetRaw(path, name, p, n), "getxattr", path);

    /// <summary>
    /// lgetxattr on NUL-terminated UTF-8 path and name, for scans that must not allocate per file:
    /// the value's length, or -errno (ENODATA when there is no attribute).
    /// </summary>
    public static unsafe int GetNoFollow(byte* path, byte* name, Span<byte> value)
    {
        fixed (byte* v = value)
        {
            nint n;
            do { n = LGetBytesRaw(path, name, v, (nuint)value.Length); } while (n < 0 && Errno.Last == Errno.EINTR);
            return n < 0 ? -Errno.Last : (int)n;
        }
    }

    private unsafe delegate nint Getter(byte* buffer, nuint size);

    private static unsafe byte[]? GetWith(Getter get, string call, string? target)
    {
        // Small values (capabilities are 12-24 bytes) fit the first buffer; ERANGE retries with the reported size.
        int size = 64;
        while (true)
        {
            byte[] buffer = new byte[size];
            nint n;
            fixed (byte* p = buffer)
            {
                do { n = get(p, (nuint)buffer.Length); } while (n < 0 && Errno.Last == Errno.EINTR);
            }
            if (n >= 0) return buffer.AsSpan(0, (int)n).ToArray();
            int e = Errno.Last;
            if (e == Errno.ENODATA) return null;
            if (e != Errno.ERANGE || size >= XATTR_SIZE_MAX) throw new SystemCallException(call, e, target);
            size = XATTR_SIZE_MAX;
        }
    }

    public static unsafe void Set(FileDescriptor fd, string name, ReadOnlySpan<byte> value, string? target = null)
    {
        fixed (byte* p = value)
        {
            if (FSetRaw(fd, name, p, (nuint)value.Length, 0) != 0)
                throw new SystemCallException("fsetxattr", Errno.Last, target);
        }
    }

    /// <summary>Removes the attribute; returns false when there was none.</summary>
    public static bool Remove(FileDescriptor fd, string name, string? target = null)
    {
        if (FRemoveRaw(fd, name) == 0) return true;
        int e = Errno.Last;
        if (e == Errno.ENODATA) return false;
        throw new SystemCallException("fremovexattr", e, target);
    }
}
