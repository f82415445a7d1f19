using System.Text;
using PerfSecurity.Native;

namespace PerfSecurity.IO;

/// <summary>
/// Replaces a file whole or not at all: a temporary file is created in the walked directory (openat on its
/// descriptor), given its owner and mode through its own descriptor, synced, then renamed over the target with
/// renameat on the same directory descriptor. A crash at any point leaves either the old file or the new one,
/// never a partial one; a directory swapped on the path meanwhile cannot redirect any of it (see SecurePath).
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Walks <paramref name="path"/> (the file may be missing) and replaces it; a path someone else could redirect
    /// is refused with <paramref name="area"/>UntrustedPath before anything is written.
    /// </summary>
    public static void Write(string path, string content, string area, uint mode = 0x1A4 /* 0644 */, uint owner = 0, uint group = 0,
        PathOptions options = PathOptions.None)
    {
        using ResolvedPath target = SecurePath.Resolve(path, area, options | PathOptions.AllowMissing);
        Write(target, Encoding.UTF8.GetBytes(content), mode, owner, group);
    }

    /// <summary>Replaces the walked file (or creates it) with <paramref name="content"/>, owned owner:group with this mode.</summary>
    public static void Write(ResolvedPath target, ReadOnlySpan<byte> content, uint mode, uint owner, uint group)
    {
        if (target.Status is { } st) target.RequireRegularFile(st);
        RemoveStaleTemporaries(target);
        string temp = $".{target.Name}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        string shown = target.DirectoryPath.TrimEnd('/') + "/" + temp;
        bool renamed = false;
        try
        {
            // O_EXCL|O_NOFOLLOW: never write through a link someone planted under our temporary name.
            using (var fd = FileSystem.OpenAt(target.Directory, temp, FileSystem.O_WRONLY | FileSystem.O_CREAT | FileSystem.O_EXCL | FileSystem.O_NOFOLLOW, 0x180 /* 0600 */, shown))
            {
                FileSystem.WriteAll(fd, content, shown);
                FileSystem.FChown(fd, owner, group, shown);
                FileSystem.FChmod(fd, mode, shown);
                FileSystem.FSync(fd, shown);
            }
            FileSystem.RenameAt(target.Directory, temp, target.Directory, target.Name, target.RealPath);
            renamed = true;
            SyncDirectory(target);
        }
        finally
        {
            if (!renamed) TryUnlink(target, temp);
        }
    }

    /// <summary>Makes a completed rename durable (fsync needs a real descriptor of the directory, not O_PATH).</summary>
    private static void SyncDirectory(ResolvedPath target)
    {
        using var fd = FileSystem.OpenAt(target.Directory, ".", FileSystem.O_RDONLY | FileSystem.O_DIRECTORY, 0, target.DirectoryPath);
        FileSystem.FSync(fd, target.DirectoryPath);
    }

    /// <summary>
    /// A writer killed between creating and renaming its temporary file leaves it behind; the next
    /// writer removes those whose process is gone. (They never take effect: they are not *.conf.)
    /// </summary>
    private static void RemoveStaleTemporaries(ResolvedPath target)
    {
        string prefix = "." + target.Name + ".";
        List<string> names;
        try { names = FileSystem.ListDirectory(target.Directory, target.DirectoryPath); }
        catch (SystemCallException) { return; }
        foreach (string name in names)
        {
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || !name.EndsWith(".tmp", StringComparison.Ordinal)) continue;
            string[] parts = name[prefix.Length..].Split('.');
            if (parts.Length == 3 && int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid) && pid != Environment.ProcessId && !System.IO.Directory.Exists($"/proc/{pid}"))
                TryUnlink(target, name);
        }
    }

    private static void TryUnlink(ResolvedPath target, string name)
    {
        try { FileSystem.UnlinkAt(target.Directory, name); } catch (SystemCallException) { }
    }
}
