using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.IO;

/// <summary>
/// Whether a path can be made to name another file by anyone but root. Opening the last component with
/// O_NOFOLLOW guards only that component: a user who can rename entries in any directory on the way
/// (or owns one) could swap a directory for a link to /usr/bin while capabilities are being set, and a
/// root-owned binary there would pass every check on the descriptor.
/// </summary>
public static class TrustedPath
{
    /// <summary>Throws a SecurityError naming the weak directory when the path is not trusted.</summary>
    public static void Require(string path, string errorId)
    {
        string? weakness = FindWeakness(path);
        if (weakness is not null)
            throw new PerfSecurityException(errorId, FailureKind.SecurityError,
                $"{weakness}, so '{path}' could be made to name another file while it is being changed. "
                + "Put the binary in a directory that only root can change (root-owned, mode 0755, such as /usr/local/bin or /opt/<tool>).", path);
    }

    /// <summary>A sentence describing the first directory or link someone other than root controls, or null.</summary>
    public static string? FindWeakness(string path)
    {
        string full = Path.GetFullPath(path);
        string? weakness = CheckChain(full);
        if (weakness is not null) return weakness;
        // Links on the way (such as /bin -> usr/bin) are root's; their targets must be root's too.
        string parent = Path.GetDirectoryName(full) ?? "/";
        string real;
        try { real = FileSystem.RealPath(parent); }
        catch (SystemCallException) { return null; } // a missing directory: opening the file reports it
        return real == parent ? null : CheckChain(Path.Combine(real, Path.GetFileName(full)));
    }

    private static string? CheckChain(string full)
    {
        string[] parts = full.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string current = "/";
        FileStatus dir;
        try { dir = FileSystem.Stat(current); }
        catch (SystemCallException) { return null; }
        if (dir.Uid != 0) return "'/' is owned by uid " + dir.Uid;

        for (int i = 0; i < parts.Length; i++)
        {
            string next = current == "/" ? "/" + parts[i] : current + "/" + parts[i];
            FileStatus entry;
            try { entry = FileSystem.Stat(next, followLinks: false); }
            catch (SystemCallException) { return null; } // missing: opening the file reports it

            // Who can replace this entry: anyone who may write the directory, unless the directory is
            // sticky and the entry is root's (then only root may rename or remove it).
            bool writableByOthers = (dir.Permissions & 0x12 /* 022 */) != 0;
            bool sticky = (dir.Permissions & 0x200) != 0;
            if (writableByOthers && !(sticky && entry.Uid == 0))
                return $"'{current}' is writable by {((dir.Permissions & 0x2) != 0 ? "every user" : "its group")}";

            if (i == parts.Length - 1) return null; // the file itself is checked on its descriptor

            if (entry.IsSymbolicLink)
            {
                if (entry.Uid != 0) return $"'{next}' is a link owned by uid {entry.Uid}";
                try { entry = FileSystem.Stat(next); }
                catch (SystemCallException) { return null; }
            }
            if (!entry.IsDirectory) return null;
            if (entry.Uid != 0) return $"'{next}' is owned by uid {entry.Uid}";
            current = next;
            dir = entry;
        }
        return null;
    }
}
