using System.Text;
using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.IO;

/// <summary>
/// Reads configuration files of the running system or of an image without ever blocking or following a
/// link out of the image, and says what a configuration reader finds at a path: the type is looked at before
/// anything is opened (so a FIFO or a device is reported, not opened), links resolve inside the image, and
/// regular files are read by <see cref="BoundedFile"/>.
/// </summary>
public static class ConfigFiles
{
    /// <summary>The largest configuration file read (configuration files are a few KiB).</summary>
    public const long MaxBytes = BoundedFile.TextLimit;

    private const int MaxLinks = 40;

    /// <summary>The path on this machine of <paramref name="pathInRoot"/> (absolute inside the system at <paramref name="root"/>).</summary>
    public static string HostPath(string root, string pathInRoot)
        => IsHostRoot(root) ? pathInRoot : Path.Join(root.TrimEnd('/'), pathInRoot);

    /// <summary>The names in a directory of the system at <paramref name="root"/>, as raw bytes; empty when it is missing.</summary>
    public static IReadOnlyList<byte[]> List(string root, string directoryInRoot)
    {
        string host = IsHostRoot(root) ? directoryInRoot : Resolve(root, directoryInRoot, out _);
        try { return FileSystem.ListNames(host) ?? (IReadOnlyList<byte[]>)Array.Empty<byte[]>(); }
        catch (SystemCallException) { return Array.Empty<byte[]>(); }
    }

    /// <summary>Reads <paramref name="pathInRoot"/> of the system at <paramref name="root"/>; links resolve inside that system.</summary>
    public static ConfigNode Read(string root, string pathInRoot)
    {
        string display = HostPath(root, pathInRoot);
        string host;
        bool image = !IsHostRoot(root);
        if (image)
        {
            try { host = Resolve(root, pathInRoot, out bool nullLink); if (nullLink) return new(display, ConfigNodeKind.Empty, Array.Empty<byte>(), null); }
            catch (SystemCallException e) { return new(display, ConfigNodeKind.Unreadable, Array.Empty<byte>(), Errno.Describe(e.Errno)); }
        }
        else host = pathInRoot;

        FileStatus st;
        try { st = FileSystem.Stat(host, followLinks: !image); }
        catch (SystemCallException e) when (e.Errno is Errno.ENOENT or Errno.ENOTDIR)
        {
            return new(display, ConfigNodeKind.Missing, Array.Empty<byte>(), null);
        }
        catch (SystemCallException e)
        {
            return new(display, ConfigNodeKind.Unreadable, Array.Empty<byte>(), Errno.Describe(e.Errno));
        }
        if (!st.IsRegularFile) return Special(display, st);

        // The one bounded reader: non-blocking open, S_ISREG on the descriptor, at most MaxBytes.
        try
        {
            return new(display, ConfigNodeKind.Regular, BoundedFile.ReadAllBytes(host, MaxBytes, "PerfConfigFile", noFollow: image), null);
        }
        catch (PerfSecurityException e)
        {
            ConfigNodeKind kind = e.ErrorId switch
            {
                "PerfConfigFileNotFound" => ConfigNodeKind.Missing,
                "PerfConfigFileTooLarge" => ConfigNodeKind.TooLarge,
                _ => ConfigNodeKind.Unreadable, // swapped for something else since the stat, or unreadable
            };
            return new(display, kind, Array.Empty<byte>(), kind == ConfigNodeKind.Missing ? null : e.Errno != 0 ? Errno.Describe(e.Errno) : e.Message);
        }
    }

    private static ConfigNode Special(string display, FileStatus st)
    {
        if (st.IsDirectory) return new(display, ConfigNodeKind.Directory, Array.Empty<byte>(), "a directory");
        if (st.IsNullDevice) return new(display, ConfigNodeKind.Empty, Array.Empty<byte>(), null);
        return (st.Mode & FileStatus.S_IFMT) switch
        {
            FileStatus.S_IFIFO => new(display, ConfigNodeKind.Fifo, Array.Empty<byte>(), "a FIFO"),
            FileStatus.S_IFSOCK => new(display, ConfigNodeKind.Socket, Array.Empty<byte>(), "a socket"),
            _ => new(display, ConfigNodeKind.Device, Array.Empty<byte>(), "a device node"),
        };
    }

    private static bool IsHostRoot(string root) => root.Trim('/').Length == 0;

    /// <summary>
    /// Resolves <paramref name="pathInRoot"/> as the kernel would if <paramref name="root"/> were "/": absolute link
    /// targets start again at the root and ".." stops there. A final link to /dev/null sets <paramref name="nullLink"/>
    /// (an image seldom has the device itself).
    /// </summary>
    private static string Resolve(string root, string pathInRoot, out bool nullLink)
    {
        nullLink = false;
        string top = root.TrimEnd('/');
        var pending = new List<string>(pathInRoot.Split('/', StringSplitOptions.RemoveEmptyEntries));
        var done = new List<string>();
        int links = 0;
        while (pending.Count > 0)
        {
            string c = pending[0];
            pending.RemoveAt(0);
            if (c == ".") continue;
            if (c == "..") { if (done.Count > 0) done.RemoveAt(done.Count - 1); continue; }
            string host = top + "/" + string.Join('/', done.Append(c));
            FileStatus st;
            try { st = FileSystem.Stat(host, followLinks: false); }
            catch (SystemCallException e) when (e.Errno is Errno.ENOENT or Errno.ENOTDIR)
            {
                done.Add(c);
                done.AddRange(pending);
                return top + "/" + string.Join('/', done);
            }
            if (!st.IsSymbolicLink) { done.Add(c); continue; }
            if (++links > MaxLinks) throw new SystemCallException("open", Errno.ELOOP, host);
            string target = FileSystem.ReadLink(host);
            if (target == "/dev/null" && pending.Count == 0) { nullLink = true; return host; }
            if (target.StartsWith('/')) done.Clear();
            pending.InsertRange(0, target.Split('/', StringSplitOptions.RemoveEmptyEntries));
        }
        return top + "/" + string.Join('/', done);
    }

    /// <summary>A file name from a directory listing as text (invalid UTF-8 shown as U+FFFD).</summary>
    public static string NameOf(byte[] name) => Encoding.UTF8.GetString(name);
}
