using System.Text;
using PerfSecurity.Native;

namespace PerfSecurity.IO;

/// <summary>
/// Replaces a file whole or not at all: a temporary file in the same directory is written,
/// given its owner and mode through its descriptor, synced, then renamed over the target.
/// A crash at any point leaves either the old file or the new one, never a partial one.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, string content, uint mode = 0x1A4 /* 0644 */, uint owner = 0, uint group = 0)
        => Write(path, Encoding.UTF8.GetBytes(content), mode, owner, group);

    public static void Write(string path, ReadOnlySpan<byte> content, uint mode, uint owner, uint group)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/";
        string temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        bool renamed = false;
        try
        {
            // O_EXCL|O_NOFOLLOW: never write through a link someone planted under our temporary name.
            using (var fd = FileSystem.Open(temp, FileSystem.O_WRONLY | FileSystem.O_CREAT | FileSystem.O_EXCL | FileSystem.O_NOFOLLOW, 0x180 /* 0600 */))
            {
                FileSystem.WriteAll(fd, content, temp);
                FileSystem.FChown(fd, owner, group, temp);
                FileSystem.FChmod(fd, mode, temp);
                FileSystem.FSync(fd, temp);
            }
            FileSystem.Rename(temp, path);
            renamed = true;
            SyncDirectory(directory);
        }
        finally
        {
            if (!renamed) TryUnlink(temp);
        }
    }

    /// <summary>Makes a completed rename durable.</summary>
    private static void SyncDirectory(string directory)
    {
        using var fd = FileSystem.Open(directory, FileSystem.O_RDONLY | FileSystem.O_DIRECTORY);
        FileSystem.FSync(fd, directory);
    }

    private static void TryUnlink(string path)
    {
        try { FileSystem.UnlinkIfExists(path); } catch (Errors.SystemCallException) { }
    }
}
