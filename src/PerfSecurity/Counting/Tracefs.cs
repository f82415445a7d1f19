using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using PerfSecurity.IO;
using PerfSecurity.Native;

namespace PerfSecurity.Counting;

/// <summary>
/// Finds tracefs, and mounts it when a tracepoint needs it, as perf does (tools/lib/api/fs/fs.c and
/// tracing_path.c): a tracefs at one of perf's known mount points (told by the filesystem type, statfs f_type),
/// else the first tracefs in /proc/mounts, else the tracing directory of a mounted debugfs. When none is found and
/// this process may mount (CAP_SYS_ADMIN), tracefs is mounted at /sys/kernel/tracing, or failing that debugfs at
/// /sys/kernel/debug, whose tracing directory the kernel fills with tracefs. perf's environment overrides
/// (TRACEFS_PATH, DEBUGFS_PATH) are not read: the caller's environment does not choose what root mounts where.
/// </summary>
public static class Tracefs
{
    /// <summary>Where tracefs is mounted when it is missing (perf's TRACEFS_DEFAULT_PATH).</summary>
    public const string MountPoint = "/sys/kernel/tracing";
    /// <summary>Where debugfs is mounted when tracefs cannot be (perf's DEBUGFS_DEFAULT_PATH).</summary>
    public const string DebugfsMountPoint = "/sys/kernel/debug";

    private static readonly string[] KnownTracefs = { MountPoint, "/sys/kernel/debug/tracing", "/tracing", "/trace" };
    private static readonly string[] KnownDebugfs = { DebugfsMountPoint, "/debug" };

    // One mount at a time in this process, with the search repeated inside: two runspaces never stack two mounts.
    private static readonly object MountGate = new();

    /// <summary>The tracefs this process sees, or null; mounts nothing.</summary>
    public static string? Locate()
    {
        string? found = FindMounted("tracefs", KnownTracefs, FileSystem.TRACEFS_MAGIC);
        if (found is not null) return found;
        // A debugfs mounted anywhere holds tracefs in its tracing directory (the kernel mounts it there on first use).
        string? debugfs = FindMounted("debugfs", KnownDebugfs, FileSystem.DEBUGFS_MAGIC);
        return debugfs is not null && IsFileSystem(Path.Combine(debugfs, "tracing"), FileSystem.TRACEFS_MAGIC) ? Path.Combine(debugfs, "tracing") : null;
    }

    /// <summary>
    /// <see cref="Locate"/>, and when nothing is found, mounts tracefs as perf does for a tracepoint, if this process
    /// may. <paramref name="verbose"/> hears what was mounted, or why nothing was. Null when tracefs stays missing;
    /// a mount point that someone other than root could change is refused with PerfEventTracefsUntrustedPath.
    /// </summary>
    public static string? LocateOrMount(Action<string>? verbose = null)
    {
        if (Locate() is string found) return found;
        if (!Privileges.HasEffective(CapabilityTable.SysAdmin))
        {
            verbose?.Invoke($"tracefs is not mounted, and this process cannot mount it: mount(2) needs CAP_SYS_ADMIN (as root, perf mounts it at {MountPoint}).");
            return null;
        }
        lock (MountGate)
        {
            if (Locate() is string now) return now;
            int error = TryMount("tracefs", MountPoint, FileSystem.TRACEFS_MAGIC);
            if (error == 0)
            {
                verbose?.Invoke($"tracefs was not mounted: mounted it at {MountPoint}, as perf does for a tracepoint (mount -t tracefs tracefs {MountPoint}). It stays mounted; umount {MountPoint} undoes it.");
                return MountPoint;
            }
            string why = $"tracefs could not be mounted at {MountPoint}: {Errno.Describe(error)}";
            if (error is Errno.EPERM or Errno.EACCES)
            {
                verbose?.Invoke(why + ".");
                return null;
            }
            // perf's fallback: debugfs, whose tracing directory is tracefs (kernels before 4.1 had no tracefs).
            // A debugfs already mounted was searched by Locate: its tracing directory holds no tracefs.
            string? debugfs = FindMounted("debugfs", KnownDebugfs, FileSystem.DEBUGFS_MAGIC);
            int debugError = debugfs is null ? TryMount("debugfs", DebugfsMountPoint, FileSystem.DEBUGFS_MAGIC) : 0;
            string tracing = Path.Combine(debugfs ?? DebugfsMountPoint, "tracing");
            if (debugfs is null && debugError == 0 && IsFileSystem(tracing, FileSystem.TRACEFS_MAGIC))
            {
                verbose?.Invoke($"{why}; mounted debugfs at {DebugfsMountPoint} instead, as perf does, and use its tracing directory {tracing}. It stays mounted; umount {DebugfsMountPoint} undoes it.");
                return tracing;
            }
            verbose?.Invoke(why + (debugError == 0
                ? $"; debugfs at {debugfs ?? DebugfsMountPoint} has no tracefs in {tracing}."
                : $"; nor could debugfs be mounted at {DebugfsMountPoint}: {Errno.Describe(debugError)}."));
            return null;
        }
    }

    /// <summary>
    /// Mounts <paramref name="type"/> on <paramref name="mountPoint"/> after walking it as a change made as root is
    /// walked (IO/SecurePath): every directory root-owned and writable by root alone, links followed only when
    /// root's, and the mount point itself a root-owned directory no one else may write. The mount goes onto the
    /// directory walked, by descriptor. 0, or the errno that stopped it (ENOENT: no such mount point).
    /// </summary>
    private static int TryMount(string type, string mountPoint, long magic)
    {
        SecurePath.Outcome walked;
        try { walked = SecurePath.Walk(mountPoint, PathOptions.RootOnlyDirectories); }
        catch (SystemCallException e) { return e.Errno; }
        if (walked.Refusal is { } refusal)
        {
            return refusal.Kind switch
            {
                PathRefusalKind.NotFound => Errno.ENOENT,
                PathRefusalKind.Failed => refusal.Errno == 0 ? Errno.ENOTDIR : refusal.Errno,
                PathRefusalKind.FinalLink => throw Untrusted(type, mountPoint, $"'{mountPoint}' is a symbolic link"),
                _ => throw Untrusted(type, mountPoint, refusal.Sentence),
            };
        }
        using ResolvedPath resolved = walked.Result!;
        FileStatus st = resolved.Status!.Value;
        if (!st.IsDirectory) return Errno.ENOTDIR;
        if (st.Uid != 0) throw Untrusted(type, mountPoint, $"'{mountPoint}' belongs to {SecurePath.Who(st.Uid)}");
        if (((UnixFileMode)st.Permissions & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            throw Untrusted(type, mountPoint, $"'{mountPoint}' is writable by others than root");
        // Someone else may have mounted it since the search: then it is there already.
        if (FileSystem.FileSystemType(resolved.Entry!, mountPoint) == magic) return 0;
        try { Native.Mount.PseudoFileSystem(type, resolved.Entry!, mountPoint); }
        catch (SystemCallException e) { return e.Errno; }
        return IsFileSystem(mountPoint, magic) ? 0 : Errno.ENODEV;
    }

    private static PerfSecurityException Untrusted(string type, string mountPoint, string sentence)
        => new("PerfEventTracefsUntrustedPath", FailureKind.SecurityError,
            $"tracefs is not mounted, and {type} was not mounted on '{mountPoint}': {sentence}, so someone other than root could choose what it would be mounted on. Make every directory of that path root-owned and writable by root alone, or mount tracefs yourself (mount -t tracefs tracefs <directory>).", mountPoint);

    // perf's search: the known mount points by filesystem type, then the first mount of that type in /proc/mounts.
    private static string? FindMounted(string type, string[] known, long magic)
    {
        foreach (string candidate in known)
            if (IsFileSystem(candidate, magic)) return candidate;
        try
        {
            foreach (string mountPoint in MountPointsOf(type, File.ReadLines("/proc/mounts")))
                if (IsFileSystem(mountPoint, magic)) return mountPoint;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }

    /// <summary>The mount points of filesystems of <paramref name="type"/> in /proc/mounts lines, unescaped.</summary>
    internal static IEnumerable<string> MountPointsOf(string type, IEnumerable<string> lines)
    {
        foreach (string line in lines)
        {
            string[] f = line.Split(' ');
            if (f.Length > 2 && f[2] == type) yield return Unescape(f[1]);
        }
    }

    // O_DIRECTORY makes the lookup trigger an automount (debugfs's tracing directory), as perf's statfs does.
    private static bool IsFileSystem(string path, long magic)
    {
        try
        {
            using FileDescriptor fd = FileSystem.Open(path, FileSystem.O_PATH | FileSystem.O_DIRECTORY);
            return FileSystem.FileSystemType(fd, path) == magic;
        }
        catch (SystemCallException) { return false; }
    }

    // /proc/mounts writes space, tab, newline and backslash as octal escapes.
    private static string Unescape(string s) => s.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal).Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);
}
