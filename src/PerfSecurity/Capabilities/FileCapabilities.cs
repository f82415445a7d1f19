using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.Capabilities;

/// <summary>Reads file capabilities by path or descriptor.</summary>
public static class FileCapabilities
{
    /// <summary>
    /// The capabilities of a file, or null when it has no security.capability attribute
    /// (or its filesystem has no extended attributes). Symlinks are followed unless <paramref name="followLinks"/> is false.
    /// </summary>
    public static FileCapabilityData? Read(string path, bool followLinks = true)
    {
        byte[]? raw;
        try
        {
            raw = followLinks ? Xattr.Get(path, FileCapabilityData.XattrName) : Xattr.GetNoFollow(path, FileCapabilityData.XattrName);
        }
        catch (SystemCallException e) when (e.Errno == Errno.EOPNOTSUPP)
        {
            return null;
        }
        catch (SystemCallException e)
        {
            throw ReadFailure(e, path);
        }
        return raw is null ? null : FileCapabilityData.Decode(raw, path);
    }

    /// <summary>The capabilities of an open file, or null when it has none.</summary>
    public static FileCapabilityData? Read(FileDescriptor fd, string? path = null)
    {
        byte[]? raw;
        try
        {
            raw = Xattr.Get(fd, FileCapabilityData.XattrName);
        }
        catch (SystemCallException e) when (e.Errno == Errno.EOPNOTSUPP)
        {
            return null;
        }
        catch (SystemCallException e)
        {
            throw ReadFailure(e, path);
        }
        return raw is null ? null : FileCapabilityData.Decode(raw, path);
    }

    private static PerfSecurityException ReadFailure(SystemCallException e, string? path)
        => e.Errno == Errno.ENOENT
            ? PerfSecurityException.FromSystemCall("PerfCapabilityFileNotFound", e, $"The file '{path}' does not exist.", path)
            : PerfSecurityException.FromSystemCall("PerfCapabilityReadFailed", e,
                $"Cannot read the capabilities of '{path}': {Errno.Describe(e.Errno)}.", path);

    /// <summary>Opens a file for a capability change (see <see cref="CapabilityFile.Open"/>) and runs every safety check on the descriptor.</summary>
    public static CapabilityFile OpenForChange(string path) => CapabilityFile.Open(path);

    /// <summary>
    /// Opens a file to remove its capabilities, through the same walk as a change: removing is safe for the file
    /// named, but a path someone else can redirect could name another root binary and strip its capabilities.
    /// </summary>
    public static CapabilityFile OpenForRemoval(string path) => CapabilityFile.Open(path, checkSafety: false);
}
