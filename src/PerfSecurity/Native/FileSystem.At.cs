using System.Runtime.InteropServices;

namespace PerfSecurity.Native;

/// <summary>
/// The *at() calls: names looked up in a directory held open, so a path walked once cannot be
/// redirected between the check and the change (IO/SecurePath walks paths with these). Names reach the kernel as
/// the bytes they name, and come back from it the same way (<see cref="PathBytes"/>).
/// </summary>
public static partial class FileSystem
{
    public const int AT_REMOVEDIR = 0x200;

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(PathMarshaller))]
    private static partial int OpenAtRaw(FileDescriptor dirfd, string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "readlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(PathMarshaller))]
    private static unsafe partial nint ReadLinkAtRaw(FileDescriptor dirfd, string path, byte* buffer, nuint size);

    [LibraryImport("libc", EntryPoint = "renameat", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(PathMarshaller))]
    private static partial int RenameAtRaw(FileDescriptor olddirfd, string oldpath, FileDescriptor newdirfd, string newpath);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(PathMarshaller))]
    private static partial int UnlinkAtRaw(FileDescriptor dirfd, string path, int flags);

    /// <summary>openat(2), always close-on-exec; <paramref name="shownAs"/> names the file in an error.</summary>
    public static FileDescriptor OpenAt(FileDescriptor directory, string name, int flags, uint mode = 0, string? shownAs = null)
    {
        int fd;
        do { fd = OpenAtRaw(directory, name, flags | O_CLOEXEC, mode); } while (fd < 0 && Errno.Last == Errno.EINTR);
        if (fd < 0) throw new SystemCallException("openat", Errno.Last, shownAs ?? name);
        return new FileDescriptor(fd);
    }

    /// <summary>openat(2) that reports failure as -errno instead of throwing (for walks that refuse rather than fail).</summary>
    public static int TryOpenAt(FileDescriptor directory, string name, int flags, out FileDescriptor? result)
    {
        int fd;
        do { fd = OpenAtRaw(directory, name, flags | O_CLOEXEC, 0); } while (fd < 0 && Errno.Last == Errno.EINTR);
        if (fd < 0)
        {
            result = null;
            return -Errno.Last;
        }
        result = new FileDescriptor(fd);
        return 0;
    }

    /// <summary>The target of the symbolic link a descriptor (O_PATH|O_NOFOLLOW) holds: readlinkat(fd, "").</summary>
    public static unsafe string ReadLink(FileDescriptor link, string? shownAs = null)
    {
        int size = 256;
        while (true)
        {
            byte[] buffer = new byte[size];
            nint n;
            fixed (byte* p = buffer) n = ReadLinkAtRaw(link, "", p, (nuint)size);
            if (n < 0) throw new SystemCallException("readlinkat", Errno.Last, shownAs);
            // readlink truncates silently: a full buffer may mean a longer target (PATH_MAX is 4096).
            if (n < size) return PathBytes.Decode(buffer.AsSpan(0, (int)n));
            if (size >= 4096) throw new SystemCallException("readlinkat", Errno.ERANGE, shownAs);
            size = 4096;
        }
    }

    /// <summary>renameat(2) within or between directories held open.</summary>
    public static void RenameAt(FileDescriptor fromDirectory, string from, FileDescriptor toDirectory, string to, string? shownAs = null)
    {
        if (RenameAtRaw(fromDirectory, from, toDirectory, to) != 0)
            throw new SystemCallException("renameat", Errno.Last, shownAs ?? to);
    }

    /// <summary>unlinkat(2) of a name in a directory held open; false when the name was already gone.</summary>
    public static bool UnlinkAt(FileDescriptor directory, string name, int flags = 0, string? shownAs = null)
    {
        if (UnlinkAtRaw(directory, name, flags) == 0) return true;
        int e = Errno.Last;
        if (e == Errno.ENOENT) return false;
        throw new SystemCallException("unlinkat", e, shownAs ?? name);
    }

    /// <summary>The names in a directory held open (without "." and ".."), read with getdents64.</summary>
    public static List<string> ListDirectory(FileDescriptor directory, string? shownAs = null)
    {
        // An O_PATH descriptor cannot be read: open the directory itself through it.
        using FileDescriptor dir = OpenAt(directory, ".", O_RDONLY | O_DIRECTORY, 0, shownAs);
        var names = new List<string>();
        byte[] buffer = new byte[32768];
        while (true)
        {
            int n = ReadDirectoryEntries(dir, buffer);
            if (n < 0) throw new SystemCallException("getdents64", -n, shownAs);
            if (n == 0) return names;
            // struct linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, char name[].
            for (int offset = 0; offset < n;)
            {
                int reclen = BitConverter.ToUInt16(buffer, offset + 16);
                int start = offset + 19;
                int end = Array.IndexOf(buffer, (byte)0, start, reclen - 19);
                string name = PathBytes.Decode(buffer.AsSpan(start, (end < 0 ? offset + reclen : end) - start));
                if (name is not ("." or "..")) names.Add(name);
                offset += reclen;
            }
        }
    }
}
