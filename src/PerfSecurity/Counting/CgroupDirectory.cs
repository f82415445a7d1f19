using System.Globalization;
using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.Counting;

/// <summary>
/// A cgroup directory opened for counting its tasks (perf_event_open with PERF_FLAG_PID_CGROUP takes the descriptor
/// of the directory as its pid). The path is walked from "/" one name at a time with openat(O_PATH|O_NOFOLLOW): a
/// symbolic link is followed only when root owns it, ".." is refused, and the directory reached must be on a cgroup
/// file system whose hierarchy has the perf_event controller (cgroup v2, or a v1 hierarchy mounted with perf_event).
/// </summary>
public sealed class CgroupDirectory : IDisposable
{
    private const int MaxLinks = 40;

    private CgroupDirectory(string path, FileDescriptor handle)
    {
        Path = path;
        Handle = handle;
    }

    /// <summary>The directory as walked: absolute, through root's links only.</summary>
    public string Path { get; }

    /// <summary>An ordinary read-only descriptor of the directory (the kernel refuses O_PATH ones with EBADF).</summary>
    internal FileDescriptor Handle { get; }

    public static CgroupDirectory Open(string path, string mountInfo = MountTable.DefaultPath, string cgroups = "/proc/cgroups")
    {
        if (!path.StartsWith('/'))
            throw BadPath(path, "give the path of the cgroup's directory from /, such as /sys/fs/cgroup/unified/mygroup");
        if (path.Contains('\0', StringComparison.Ordinal))
            throw BadPath(path, "it contains a NUL character");
        FileDescriptor current = FileSystem.Open("/", FileSystem.O_PATH | FileSystem.O_DIRECTORY);
        try
        {
            var real = new List<string>();
            var pending = new LinkedList<string>(Names(path, path));
            int links = 0;
            while (pending.First is { } node)
            {
                pending.RemoveFirst();
                string name = node.Value;
                string shown = "/" + string.Join("/", real.Append(name));
                int err = FileSystem.TryOpenAt(current, name, FileSystem.O_PATH | FileSystem.O_NOFOLLOW, out FileDescriptor? next);
                if (err == -Errno.ENOENT)
                    throw new PerfSecurityException("PerfCounterCgroupNotFound", FailureKind.ObjectNotFound,
                        $"There is no cgroup '{path}': '{shown}' does not exist. Cgroups are directories under /sys/fs/cgroup ({PerfEventHierarchies(mountInfo, cgroups)}).", path);
                if (err != 0)
                    throw new PerfSecurityException("PerfCounterCgroupOpenFailed", PerfSecurityException.KindOf(-err),
                        $"Cannot open '{shown}': {Errno.Describe(-err)}.", path, new SystemCallException("openat", -err, shown));
                FileStatus st;
                try { st = FileSystem.Stat(next!); }
                catch { next!.Dispose(); throw; }
                if (st.IsSymbolicLink)
                {
                    string target;
                    using (next)
                    {
                        if (st.Uid != 0)
                            throw new PerfSecurityException("PerfCounterCgroupUntrustedLink", FailureKind.SecurityError,
                                $"'{shown}' is a symbolic link that belongs to {IO.SecurePath.Who(st.Uid)}: only root's links are followed in a cgroup path. Give the cgroup's own directory.", path);
                        if (++links > MaxLinks)
                            throw BadPath(path, $"it goes through more than {MaxLinks} symbolic links");
                        target = FileSystem.ReadLink(next!, shown);
                    }
                    string[] parts = Names(target, path);
                    for (int i = parts.Length - 1; i >= 0; i--) pending.AddFirst(parts[i]);
                    if (target.StartsWith('/'))
                    {
                        current.Dispose();
                        current = FileSystem.Open("/", FileSystem.O_PATH | FileSystem.O_DIRECTORY);
                        real.Clear();
                    }
                    continue;
                }
                if (!st.IsDirectory)
                {
                    next!.Dispose();
                    throw new PerfSecurityException("PerfCounterNotACgroup", FailureKind.InvalidArgument,
                        $"'{shown}' is not a directory: a cgroup is a directory under /sys/fs/cgroup.", path);
                }
                current.Dispose();
                current = next!;
                real.Add(name);
            }
            string walked = "/" + string.Join("/", real);
            CheckMount(current, walked, path, mountInfo, cgroups);
            FileDescriptor handle = FileSystem.OpenAt(current, ".", FileSystem.O_RDONLY | FileSystem.O_DIRECTORY, shownAs: walked);
            return new CgroupDirectory(walked, handle);
        }
        finally
        {
            current.Dispose();
        }
    }

    // The names of a path; "." dropped, ".." refused (a cgroup path never needs it, and taking it by text is wrong after a link).
    private static string[] Names(string path, string given)
    {
        string[] names = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(n => n != ".").ToArray();
        if (names.Contains(".."))
            throw BadPath(given, "'..' is not followed in a cgroup path: give the path from /sys/fs/cgroup down");
        return names;
    }

    // The mount the directory is on (the same device as the descriptor, at the longest mount point above the path)
    // must be a cgroup hierarchy with the perf_event controller.
    private static void CheckMount(FileDescriptor dir, string walked, string given, string mountInfo, string cgroups)
    {
        ulong device = FileSystem.Stat(dir).Device;
        MountEntry? mount = MountTable.Read(mountInfo)
            .Where(m => m.Device == device && (walked == m.MountPoint || walked.StartsWith(m.MountPoint.TrimEnd('/') + "/", StringComparison.Ordinal)))
            .OrderBy(m => m.MountPoint.Length).LastOrDefault();
        if (mount is null || mount.FileSystemType is not ("cgroup" or "cgroup2"))
            throw new PerfSecurityException("PerfCounterNotACgroup", FailureKind.InvalidArgument,
                $"'{walked}' is not a cgroup: it is on {(mount is null ? "a file system this process cannot see mounted" : $"{mount.FileSystemType} mounted at {mount.MountPoint}")}. " +
                $"Give a directory of a cgroup hierarchy ({PerfEventHierarchies(mountInfo, cgroups)}).", given);
        if (!HasPerfEvent(mount, cgroups))
            throw new PerfSecurityException("PerfCounterCgroupNoPerfEvent", FailureKind.InvalidArgument,
                $"'{walked}' is in the {(mount.FileSystemType == "cgroup2" ? "cgroup v2" : "cgroup v1 (" + string.Join(",", mount.SuperOptions.Where(IsController)) + ")")} hierarchy at {mount.MountPoint}, " +
                $"which does not have the perf_event controller, so the kernel cannot count its tasks: {PerfEventHierarchies(mountInfo, cgroups)}.", given);
    }

    private static bool IsController(string option) => option is not ("rw" or "ro") && !option.Contains('=', StringComparison.Ordinal);

    /// <summary>Whether the perf_event controller is bound to this hierarchy: in v1 a mount option, in v2 when no v1 hierarchy took it.</summary>
    private static bool HasPerfEvent(MountEntry mount, string cgroups)
        => mount.FileSystemType == "cgroup" ? mount.SuperOptions.Contains("perf_event") : PerfEventHierarchyId(cgroups) == 0;

    // /proc/cgroups: "perf_event <hierarchy> <num_cgroups> <enabled>"; hierarchy 0 is the v2 (default) hierarchy.
    private static int? PerfEventHierarchyId(string cgroups)
    {
        try
        {
            foreach (string line in File.ReadLines(cgroups))
            {
                string[] f = line.Split('\t', ' ');
                if (f.Length >= 4 && f[0] == "perf_event" && f[3] == "1"
                    && int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out int id))
                    return id;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }

    /// <summary>Where cgroups with the perf_event controller are on this machine, for messages.</summary>
    public static string PerfEventHierarchies(string mountInfo = MountTable.DefaultPath, string cgroups = "/proc/cgroups")
    {
        int? id = PerfEventHierarchyId(cgroups);
        if (id is null) return "this kernel has no perf_event cgroup controller (CONFIG_CGROUP_PERF)";
        var points = MountTable.Read(mountInfo)
            .Where(m => id == 0 ? m.FileSystemType == "cgroup2" : m.FileSystemType == "cgroup" && m.SuperOptions.Contains("perf_event"))
            .Select(m => m.MountPoint).Distinct().ToList();
        string kind = id == 0 ? "the cgroup v2 hierarchy" : "the cgroup v1 hierarchy mounted with perf_event";
        return points.Count == 0 ? $"the perf_event controller is in {kind}, which is not mounted" : $"the perf_event controller is in {kind} at {string.Join(", ", points)}";
    }

    private static PerfSecurityException BadPath(string path, string why)
        => new("PerfCounterCgroupBadPath", FailureKind.InvalidArgument, $"'{path}' is not a usable cgroup path: {why}.", path);

    public void Dispose() => Handle.Dispose();

    public override string ToString() => Path;
}
