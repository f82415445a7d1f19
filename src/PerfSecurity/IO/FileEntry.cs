using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.IO;

/// <summary>What a name is, for path resolution and scans; questions that never throw for a bad path.</summary>
public static class FileEntry
{
    /// <summary>Whether the name exists, a dangling symbolic link included (lstat).</summary>
    public static bool Exists(string path)
    {
        try { FileSystem.Stat(path, followLinks: false); return true; }
        catch (SystemCallException) { return false; }
    }

    /// <summary>Whether the name is a directory itself, not a link to one (lstat; getcap -r does not follow links).</summary>
    public static bool IsDirectory(string path)
    {
        try { return FileSystem.Stat(path, followLinks: false).IsDirectory; }
        catch (SystemCallException) { return false; }
    }

    /// <summary>Whether the name is a symbolic link (lstat).</summary>
    public static bool IsSymbolicLink(string path)
    {
        try { return FileSystem.Stat(path, followLinks: false).IsSymbolicLink; }
        catch (SystemCallException) { return false; }
    }

    /// <summary>Whether a regular file starts with #! (the kernel ignores file capabilities on such scripts); unreadable counts as no.</summary>
    public static bool IsScript(string path)
    {
        Span<byte> head = stackalloc byte[2];
        try { return BoundedFile.ReadHead(path, head) == 2 && IsShebang(head); }
        catch (PerfSecurityException) { return false; }
    }

    /// <summary>Whether an open file starts with #! (read with pread, so the file offset is left alone).</summary>
    public static bool IsScript(FileDescriptor fd)
    {
        Span<byte> head = stackalloc byte[2];
        return FileSystem.ReadHead(fd, head) == 2 && IsShebang(head);
    }

    private static bool IsShebang(ReadOnlySpan<byte> head) => head[0] == '#' && head[1] == '!';
}
