using System.Collections.Concurrent;
using System.Text;
using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.Capabilities;

/// <summary>
/// Walks a tree like getcap -r without following symlinks: every folder is opened below the root folder held open,
/// with no link followed on the way (a folder renamed and replaced by a link after it was listed is skipped, never
/// followed), then one getdents64 pass per folder and one listxattrat per
/// regular file (the name looked up in the folder held open), with getxattrat only for a file that lists
/// security.capability (lgetxattr of the whole path before Linux 6.13), and paths built in reused buffers, so
/// files without capabilities cost no allocation.
/// With several <see cref="Workers"/>, folders are read in parallel: each worker takes a folder from a shared
/// stack, checks its files and puts its subfolders back. The thread that calls <see cref="Scan"/> is one of the
/// workers and the only one that runs the callbacks (what the others find waits in a queue until it does), so a
/// cmdlet may write output from them. With one worker the order is the tree's: folders by name, depth first.
/// </summary>
public sealed class CapabilityScanner
{
    /// <summary>Folders read at the same time (1 to 64); the calling thread is one of them.</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Called with each file that has capabilities, as soon as the calling thread learns of it.</summary>
    public Action<string, FileCapabilityData>? Found { get; set; }
    /// <summary>Called with a capability attribute that could not be read or decoded.</summary>
    public Action<PerfSecurityException>? Failed { get; set; }
    /// <summary>Called with a folder that could not be read, and why.</summary>
    public Action<string, string>? FolderSkipped { get; set; }
    /// <summary>Polled on the calling thread between folders and every few hundred files; true ends the scan.</summary>
    public Func<bool>? ShouldStop { get; set; }

    /// <summary>Regular files checked so far, by all workers.</summary>
    public long FilesChecked
    {
        get
        {
            long n = 0;
            foreach (Walker w in _walkers) n += Volatile.Read(ref w.FilesChecked);
            return n;
        }
    }

    /// <summary>The folder the calling thread is reading, for progress.</summary>
    public string CurrentFolder => _walkers.Count == 0 ? "" : PathBytes.Decode(_walkers[0].Current);

    private readonly List<Walker> _walkers = new();
    // The root folder, held open for the whole scan; every folder is opened below it by its path from there.
    private int _rootFd = -1;
    private int _rootLength;
    // Folders still to read, as the bytes of their paths; popped in name order, so one worker follows the tree.
    private readonly Stack<byte[]> _pending = new();
    private readonly object _gate = new();
    private int _busy; // workers reading a folder; the scan is over when none is and nothing is pending
    private volatile bool _stop;
    // What the other workers found, for the calling thread to report.
    private readonly ConcurrentQueue<Action> _reports = new();

    /// <summary>Scans <paramref name="root"/>; <paramref name="folderDone"/> runs on the calling thread after its folders (for progress).</summary>
    public unsafe void Scan(string root, Action? folderDone = null)
    {
        byte[] rootBytes = PathBytes.Encode(root.Length > 1 ? root.TrimEnd('/') : root);
        var caller = new Walker(this, direct: true);
        _walkers.Add(caller);
        byte[] rootPath = new byte[rootBytes.Length + 1];
        rootBytes.CopyTo(rootPath, 0);
        fixed (byte* p = rootPath) _rootFd = FileSystem.OpenDirectory(p);
        if (_rootFd < 0)
        {
            FolderSkipped?.Invoke(PathBytes.Decode(rootBytes), Errno.Describe(-_rootFd));
            return;
        }
        _rootLength = rootBytes.Length;
        _pending.Push(rootBytes);
        var threads = new List<Thread>();
        Exception? crash = null;
        bool returned = false;
        try
        {
            for (int i = 1; i < Math.Clamp(Workers, 1, 64); i++)
            {
                var walker = new Walker(this, direct: false);
                _walkers.Add(walker);
                var thread = new Thread(() =>
                {
                    try { RunWorker(walker); }
                    catch (Exception e)
                    {
                        // A worker's failure ends the scan and is rethrown on the calling thread.
                        Interlocked.CompareExchange(ref crash, e, null);
                        Stop();
                    }
                }, 256 * 1024)
                { IsBackground = true, Name = "PerfSecurity capability scan" };
                threads.Add(thread);
                thread.Start();
            }
            RunCaller(caller, folderDone);
            returned = true;
        }
        finally
        {
            // Left by an exception (the pipeline stopped in a callback): the other workers stop too.
            if (!returned) Stop();
            foreach (Thread t in threads) t.Join();
            FileSystem.Close(_rootFd);
        }
        if (crash is not null) throw new InvalidOperationException("A capability scan worker failed.", crash);
        // What the others found after the calling thread's last look.
        if (!StopRequested()) Report();
    }

    private void RunCaller(Walker walker, Action? folderDone)
    {
        var subfolders = new List<byte[]>();
        while (true)
        {
            Report();
            if (StopRequested()) return;
            byte[]? dir = Take(waitMilliseconds: 50, out bool waiting);
            if (dir is null)
            {
                if (!waiting) return;
                folderDone?.Invoke(); // others are still reading: keep progress and Ctrl+C alive
                continue;
            }
            subfolders.Clear();
            bool stopped = !walker.Read(dir, subfolders);
            Done(subfolders);
            if (stopped) return;
            folderDone?.Invoke();
        }
    }

    private void RunWorker(Walker walker)
    {
        var subfolders = new List<byte[]>();
        while (Take(Timeout.Infinite, out _) is byte[] dir)
        {
            subfolders.Clear();
            bool stopped = !walker.Read(dir, subfolders);
            Done(subfolders);
            if (stopped) return;
        }
    }

    // The next folder, or null: when the scan is over or stopped, or (waiting = true) after waitMilliseconds
    // while others still read folders that may hold more.
    private byte[]? Take(int waitMilliseconds, out bool waiting)
    {
        waiting = false;
        lock (_gate)
        {
            while (true)
            {
                if (_stop) return null;
                if (_pending.Count > 0)
                {
                    _busy++;
                    return _pending.Pop();
                }
                if (_busy == 0) return null;
                if (!Monitor.Wait(_gate, waitMilliseconds))
                {
                    waiting = true;
                    return null;
                }
            }
        }
    }

    private void Done(List<byte[]> subfolders)
    {
        lock (_gate)
        {
            for (int i = subfolders.Count - 1; i >= 0; i--) _pending.Push(subfolders[i]);
            _busy--;
            if (subfolders.Count > 0 || _busy == 0) Monitor.PulseAll(_gate);
        }
    }

    private void Stop()
    {
        _stop = true;
        lock (_gate) Monitor.PulseAll(_gate);
    }

    // Ctrl+C or the caller's own reason; polled on the calling thread only.
    private bool StopRequested()
    {
        if (_stop) return true;
        if (ShouldStop?.Invoke() == true) Stop();
        return _stop;
    }

    // Runs what the other workers found, on the calling thread.
    private void Report()
    {
        while (!_stop && _reports.TryDequeue(out Action? report)) report();
    }

    /// <summary>One worker's buffers: the folder's entries, the path being built and an attribute value.</summary>
    private sealed class Walker
    {
        private static readonly byte[] XattrName = Encoding.ASCII.GetBytes(FileCapabilityData.XattrName + "\0");
        // Set once getxattrat is missing (ENOSYS) or filtered (EPERM): every later file goes by its whole path.
        private static volatile bool s_noXattrAt;

        private readonly CapabilityScanner _scan;
        private readonly bool _direct;
        private readonly byte[] _entries = new byte[64 * 1024];
        private byte[] _path = new byte[4096];
        private byte[] _fdPath = new byte[512];
        private int _fdPathFor = -1, _fdPathLength;
        private readonly byte[] _value = new byte[FileCapabilityData.Size3 + 8];
        private readonly byte[] _names = new byte[1024];
        public long FilesChecked;
        public byte[] Current = Array.Empty<byte>();

        public Walker(CapabilityScanner scan, bool direct)
        {
            _scan = scan;
            _direct = direct;
        }

        /// <summary>Reads one folder: regular files are checked now, subfolders collected in name order. False when stopped.</summary>
        public unsafe bool Read(byte[] dir, List<byte[]> subfolders)
        {
            int baseLength = dir.Length;
            EnsurePath(baseLength + 1);
            dir.CopyTo(_path, 0);
            _path[baseLength] = 0;
            Current = dir;
            int prefix = baseLength > 0 && dir[baseLength - 1] == '/' ? baseLength : baseLength + 1;

            // Below the root by the names listed, none of them a link now: what is read is what the path says.
            int fd;
            int rootLength = _scan._rootLength;
            fixed (byte* p = _path)
            fixed (byte* dot = ".\0"u8)
            {
                byte* relative = baseLength == rootLength ? dot : p + rootLength + (_path[rootLength] == '/' ? 1 : 0);
                fd = FileSystem.OpenDirectoryBelow(_scan._rootFd, relative);
            }
            if (fd < 0)
            {
                FolderSkipped(PathBytes.Decode(dir), Errno.Describe(-fd));
                return true;
            }
            try
            {
                if (!ReadEntries(fd, prefix, subfolders, out int error))
                {
                    if (error == 0) return false; // stopped
                    FolderSkipped(PathBytes.Decode(dir), Errno.Describe(error));
                }
            }
            finally
            {
                FileSystem.Close(fd);
            }
            subfolders.Sort(static (a, b) => a.AsSpan().SequenceCompareTo(b));
            return true;
        }

        // False when stopped (error 0) or when the folder could not be read to the end.
        private unsafe bool ReadEntries(int fd, int prefix, List<byte[]> subfolders, out int error)
        {
            error = 0;
            if (prefix > Current.Length) _path[Current.Length] = (byte)'/';
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
                        if ((Interlocked.Increment(ref FilesChecked) & 0xFF) == 0 && Poll()) return false;
                        Check(fd, prefix, prefix + name.Length);
                    }
                }
            }
        }

        // Every few hundred files: the calling thread reports what others found and asks whether to stop.
        private bool Poll()
        {
            if (!_direct) return _scan._stop;
            _scan.Report();
            return _scan.StopRequested();
        }

        private unsafe void Check(int dirfd, int nameStart, int length)
        {
            int n;
            string call = "getxattrat";
            fixed (byte* p = _path)
            fixed (byte* x = XattrName)
            {
                // Most files have no attribute at all: listing them costs the kernel a third less than asking for
                // security.capability (which goes through the capability module), and tells whether it is there.
                if (!s_noXattrAt)
                {
                    int listed = Xattr.ListAtNoFollow(dirfd, p + nameStart, _names);
                    if (listed == 0 || listed == -Errno.ENODATA || listed == -Errno.ENOENT || listed == -Errno.EOPNOTSUPP) return;
                    if (listed > 0 && !Lists(_names.AsSpan(0, listed), XattrName)) return;
                }
                n = s_noXattrAt ? -Errno.ENOSYS : Xattr.GetAtNoFollow(dirfd, p + nameStart, x, _value);
                if (n == -Errno.ENOSYS || n == -Errno.EPERM)
                {
                    if (!s_noXattrAt) s_noXattrAt = true;
                    call = "lgetxattr";
                    // The name in the folder held open (/proc/self/fd/N/name), not the whole path, which a link
                    // swapped in on the way could lead elsewhere.
                    int fdLength = FdPrefix(dirfd);
                    EnsureFdPath(fdLength + (length - nameStart) + 1);
                    _path.AsSpan(nameStart, length - nameStart + 1).CopyTo(_fdPath.AsSpan(fdLength));
                    fixed (byte* f = _fdPath) n = Xattr.GetNoFollow(f, x, _value);
                }
            }
            if (n == -Errno.ENODATA || n == -Errno.ENOENT || n == -Errno.EOPNOTSUPP) return; // none, gone, or no xattrs here
            // Names that are not UTF-8 keep their bytes (PathBytes), so the path leads back to the file.
            string path = PathBytes.Decode(_path.AsSpan(0, length));
            if (n < 0)
            {
                // ERANGE: larger than any valid revision, so corrupt; decoding the full value says how.
                if (-n == Errno.ERANGE) Decode(path, () => FileCapabilities.Read(path, followLinks: false));
                else Failed(PerfSecurityException.FromSystemCall("PerfCapabilityReadFailed", new SystemCallException(call, -n, path),
                    $"Cannot read the capabilities of '{path}': {Errno.Describe(-n)}.", path));
                return;
            }
            byte[] value = _value.AsSpan(0, n).ToArray();
            Decode(path, () => FileCapabilityData.Decode(value, path));
        }

        // Whether a listxattr result (names, each NUL-terminated) holds the name (NUL-terminated too).
        private static bool Lists(ReadOnlySpan<byte> names, ReadOnlySpan<byte> name)
        {
            while (names.Length > 0)
            {
                int end = names.IndexOf((byte)0);
                if (end < 0) return false;
                if (names[..(end + 1)].SequenceEqual(name)) return true;
                names = names[(end + 1)..];
            }
            return false;
        }

        private void Decode(string path, Func<FileCapabilityData?> decode)
        {
            FileCapabilityData? data;
            try { data = decode(); }
            catch (PerfSecurityException e) { Failed(e); return; }
            if (data is not null) Found(path, data);
        }

        // The calling thread reports at once; the others leave it to the calling thread.
        private void Found(string path, FileCapabilityData data)
        {
            if (_direct) _scan.Found?.Invoke(path, data);
            else _scan._reports.Enqueue(() => _scan.Found?.Invoke(path, data));
        }

        private void Failed(PerfSecurityException e)
        {
            if (_direct) _scan.Failed?.Invoke(e);
            else _scan._reports.Enqueue(() => _scan.Failed?.Invoke(e));
        }

        private void FolderSkipped(string dir, string why)
        {
            if (_direct) _scan.FolderSkipped?.Invoke(dir, why);
            else _scan._reports.Enqueue(() => _scan.FolderSkipped?.Invoke(dir, why));
        }

        // "/proc/self/fd/<dirfd>/" at the start of _fdPath, made once per folder; its length.
        private int FdPrefix(int dirfd)
        {
            if (dirfd == _fdPathFor) return _fdPathLength;
            string prefix = "/proc/self/fd/" + dirfd.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/";
            EnsureFdPath(prefix.Length);
            _fdPathFor = dirfd;
            return _fdPathLength = Encoding.ASCII.GetBytes(prefix, _fdPath);
        }

        private void EnsureFdPath(int length)
        {
            if (length > _fdPath.Length) Array.Resize(ref _fdPath, Math.Max(length, _fdPath.Length * 2));
        }

        private void EnsurePath(int length)
        {
            if (length > _path.Length) Array.Resize(ref _path, Math.Max(length, _path.Length * 2));
        }
    }
}
