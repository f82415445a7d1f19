using System.Text;

namespace PerfSecurity.Native;

public static partial class FileSystem
{
    /// <summary>
    /// The target of a symbolic link, or null when it cannot be read (gone, not a link, no access). Cheap enough
    /// for one call per process: /proc/PID/ns links are read for every process a listing shows.
    /// </summary>
    public static unsafe string? TryReadLink(string path)
    {
        byte* buffer = stackalloc byte[256];
        nint n = ReadLinkRaw(path, buffer, 256);
        return n < 0 || n >= 256 ? null : Encoding.UTF8.GetString(buffer, (int)n);
    }
}
