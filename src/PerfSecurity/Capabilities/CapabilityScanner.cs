using System.Text;
using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.Capabilities;

/// <summary>
/// Walks a tree like getcap -r without following symlinks: one getdents64 pass per folder and one lgetxattr per
/// regular file, with paths built in a reused buffer, so files without capabilities cost no allocation.
/// </summary>
public sealed class CapabilityScanner
{
    private static readonly byte[] XattrName = Encoding.ASCII.GetBytes(FileCapabilityData.XattrName + "\0");

    private readonly byte[] _entries = new byte[64 * 1024];
    private byte[] _path = new byte[4096];
    private readonly byte[] _value = new byte[FileCapabilityData.Size3 + 8];

    /// <summary>Called with each file that has capabilities, as soon as it is found.</summary>
    public Action<string, FileCapabilityData>? Found { get; set; }
    /// <summary>Called with a capability attribute that could not be read or decoded.</summary>
    public Action<PerfSecurityException>? Failed { get; set; }
    /// <summary>Called with a folder that could not be read, and why.</summary>
    public Action<string, string>? FolderSkipped { get; set; }
    /// <summary>Polled between folders and every few hundred files; true ends the scan.</summary>
    public Func<bool>? ShouldStop { get; set; }

    /// <summary>Regular files checked so far.</summary>
    public long FilesChecked { get; private set; }

    /// <summary>The folder being read, for progress.</summary>
    public string CurrentFolder => PathBytes.Decode(_path.AsSpan(0, _currentLength));
    private int _currentLength;

    /// <summary>Scans <paramref name="root"/>; <paramref name="folderDone"/> runs after each folder (for progress).</summary>
    public unsafe void Scan(string root, Action? folderDone = null)
    {
        // Folders still to read, as the bytes of their paths; popped in name order so output follows the tree.
        var pending = new Stack<byte[]>();
        pending.Push(PathBytes.Encode(root.Length > 1 ? root.TrimEnd('/') : root));
        var subfolders = new List<byte[]>();
        while (pending.Count > 0)
        {
            if (ShouldStop?.Invoke() == true) return;
            byte[] dir = pending.Pop();
            int baseLength = dir.Length;
            EnsurePath(baseLength + 1);
            dir.CopyTo(_path, 0);
            _path[baseLength] = 0;
            _currentLength = baseLength;
            int prefix = baseLength > 0 && dir[baseLength - 1] == '/' ? baseLength : baseLength + 1;

            int fd;
            fixed (byte* p = _path) fd = FileSystem.OpenDirectory(p);
            if (fd < 0)
            {
                FolderSkipped?.Invoke(PathBytes.Decode(dir), Errno.Describe(-fd));
                continue;
            }
            subfolders.Clear();
            try
            {
                if (!ReadFolder(fd, prefix, subfolders, out int error))
                {
                    if (error != 0) FolderSkipped?.Invoke(PathBytes.Decode(dir), Errno.Describe(error));
                    if (error == 0) return; // stopped
                }
            }
            finally
            {
                FileSystem.Close(fd);
            }
            subfolders.Sort(static (a, b) => a.AsSpan().SequenceCompareTo(b));
            for (int i = subfolders.Count - 1; i >= 0; i--) pending.Push(subfolders[i]);
            folderDone?.Invoke();
        }
    }

    // Reads one folder: regular files are checked now, subfolders are collected. False when stopped (error 0) or failed.
    private unsafe bool ReadFolder(int fd, int prefix, List<byte[]> subfolders, out int error)
    {
        error = 0;
        if (prefix > _currentLength) _path[_currentLength] = (byte)'/';
        while (true)
        {
            int n = FileSystem.ReadDirectoryEntries(fd, _entries);
            if (n < 0) { error = -n; return false; }
            if (n == 0) return true;
            for (int off = 0; off < n;)
            {
                // linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, NUL-terminated name.
                int reclen = _entries[off + 16] | (_entries[off + 17] << 8);
                byte type = _entries[off + 18];
                var name = _entries.AsSpan(off + 19, reclen - 19);
                name = name[..name.IndexOf((byte)0)];
                off += reclen;
                if (name.Length == 0 || (name[0] == '.' && (name.Length == 1 || (name.Length == 2 && name[1] == '.')))) continue;

                EnsurePath(prefix + name.Length + 1);
                name.CopyTo(_path.AsSpan(prefix));
                _path[prefix + name.Length] = 0;
                if (type == FileSystem.DT_UNKNOWN)
                {
                    fixed (byte* p = _path) type = FileSystem.EntryType(fd, p + prefix);
                }
                if (type == FileSystem.DT_DIR)
                {
                    subfolders.Add(_path.AsSpan(0, prefix + name.Length).ToArray());
                }
                else if (type == FileSystem.DT_REG)
                {
                    if ((++FilesChecked & 0xFF) == 0 && ShouldStop?.Invoke() == true) return false;
                    Check(prefix + name.Length);
                }
            }
        }
    }

    private unsafe void Check(int length)
    {
        int n;
        fixed (byte* p = _path)
        fixed (byte* x = XattrName)
        {
            n = Xattr.GetNoFollow(p, x, _value);
        }
        if (n == -Errno.ENODATA || n == -Errno.ENOENT || n == -Errno.EOPNOTSUPP) return; // none, gone, or no xattrs here
        // Names that are not UTF-8 keep their bytes (PathBytes), so the path leads back to the file.
        string path = PathBytes.Decode(_path.AsSpan(0, length));
        if (n < 0)
        {
            // ERANGE: larger than any valid revision, so corrupt; decoding the full value says how.
            if (-n == Errno.ERANGE) Report(path, () => FileCapabilities.Read(path, followLinks: false));
            else Failed?.Invoke(PerfSecurityException.FromSystemCall("PerfCapabilityReadFailed", new SystemCallException("lgetxattr", -n, path),
                $"Cannot read the capabilities of '{path}': {Errno.Describe(-n)}.", path));
            return;
        }
        byte[] value = _value.AsSpan(0, n).ToArray();
        Report(path, () => FileCapabilityData.Decode(value, path));
    }

    private void Report(string path, Func<FileCapabilityData?> decode)
    {
        FileCapabilityData? data;
        try { data = decode(); }
        catch (PerfSecurityException e) { Failed?.Invoke(e); return; }
        if (data is not null) Found?.Invoke(path, data);
    }

    private void EnsurePath(int length)
    {
        if (length > _path.Length) Array.Resize(ref _path, Math.Max(length, _path.Length * 2));
    }
}
