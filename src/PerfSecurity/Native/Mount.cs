using System.Globalization;
using System.Runtime.InteropServices;

namespace PerfSecurity.Native;

/// <summary>mount(2), for the pseudo filesystems perf mounts itself (tracefs, debugfs).</summary>
public static partial class Mount
{
    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MountRaw(string source, string target, string fileSystemType, nuint flags, nint data);

    /// <summary>
    /// Mounts a pseudo filesystem (no device, no options) on the directory an O_PATH descriptor holds. The target
    /// is /proc/self/fd/N, which the kernel resolves to that very directory: whatever happens to its path after it
    /// was checked, nothing else is mounted on. Throws SystemCallException with the kernel's errno.
    /// </summary>
    public static void PseudoFileSystem(string fileSystemType, FileDescriptor directory, string? shownAs = null)
    {
        bool added = false;
        try
        {
            directory.DangerousAddRef(ref added);
            string target = "/proc/self/fd/" + directory.DangerousGetHandle().ToInt32().ToString(CultureInfo.InvariantCulture);
            if (MountRaw(fileSystemType, target, fileSystemType, 0, 0) != 0)
                throw new SystemCallException("mount", Errno.Last, shownAs);
        }
        finally
        {
            if (added) directory.DangerousRelease();
        }
    }
}
