using System.Text;
using PerfSecurity.Native;
using System.Globalization;

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
        RemoveStaleTemporaries(directory, Path.GetFileName(path));
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

    /// <summary>
    /// A writer killed between creating and renaming its temporary file leaves it behind; the next
    /// writer removes those whose process is gone. (They never take effect: they are not *.conf.)
    /// </summary>
    private static void RemoveStaleTemporaries(string directory, string name)
    {
        string prefix = "." + name + ".";
        IEnumerable<string> candidates;
        try { candidates = Directory.EnumerateFiles(directory, prefix + "*.tmp"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        foreach (string file in candidates)
        {
            string[] parts = Path.GetFileName(file)[prefix.Length..].Split('.');
            if (parts.Length == 3 && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int pid) && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
                TryUnlink(file);
        }
    }

    private static void TryUnlink(string path)
    {
        try { FileSystem.UnlinkIfExists(path); } catch (Errors.SystemCallException) { }
    }
}
