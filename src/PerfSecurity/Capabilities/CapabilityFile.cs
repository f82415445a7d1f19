using PerfSecurity.Errors;
using PerfSecurity.IO;
using PerfSecurity.Native;

namespace PerfSecurity.Capabilities;

/// <summary>
/// A file opened for a capability change through a race-free walk of its path (IO/SecurePath). Checks and writes
/// act on the descriptor, so nothing done to the names afterwards can redirect the write.
/// </summary>
public sealed class CapabilityFile : IDisposable
{
    private readonly FileDescriptor _fd;
    private readonly bool _ownsDescriptor;

    private CapabilityFile(FileDescriptor fd, string path, bool owns)
    {
        _fd = fd;
        Path = path;
        _ownsDescriptor = owns;
    }

    public string Path { get; }
    public FileStatus Status { get; private set; }

    /// <summary>
    /// Walks <paramref name="path"/> from "/" (a directory or link on the way that someone other than root could
    /// change is refused with PerfCapabilityUntrustedPath, a last-place link with PerfCapabilityTargetIsSymlink,
    /// anything but a regular file with PerfCapabilityTargetNotRegularFile before it is opened), opens the file
    /// read-only in the walked directory and, unless <paramref name="checkSafety"/> is false, checks it (see <see cref="Check"/>).
    /// </summary>
    public static CapabilityFile Open(string path, bool checkSafety = true)
    {
        FileDescriptor fd;
        // Read-only is enough for fsetxattr and does not fail with ETXTBSY on a running binary.
        using (ResolvedPath resolved = SecurePath.Resolve(path, "PerfCapability"))
            fd = resolved.OpenRegularFile();
        var file = new CapabilityFile(fd, path, owns: true);
        try
        {
            if (checkSafety) file.Check(); else file.CheckRegularFile();
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Wraps a descriptor the caller opened (for example after fchown/fchmod on it) and checks it.
    /// The caller keeps ownership of the descriptor.
    /// </summary>
    public static CapabilityFile FromDescriptor(FileDescriptor fd, string path)
    {
        var file = new CapabilityFile(fd, path, owns: false);
        file.Check();
        return file;
    }

    /// <summary>
    /// Refuses what the kernel would ignore or what would be unsafe: not a regular file, a file a non-root user
    /// can change, a script, a nosuid mount.
    /// </summary>
    public void Check()
    {
        FileStatus st = CheckRegularFile();

        if (st.Uid != 0 || (st.Permissions & 0x12 /* 022: group or other write */) != 0)
            throw new PerfSecurityException("PerfCapabilityTargetWritable", FailureKind.SecurityError,
                $"'{Path}' is {(st.Uid != 0 ? $"owned by uid {st.Uid}" : "writable by its group or by others")} (mode {Convert.ToString(st.Permissions, 8).PadLeft(4, '0')}, owner {st.Uid}). "
                + "A user who can change the file could replace the program and keep its capabilities. Make it root-owned and not group- or world-writable first (chown root; chmod go-w).", Path);

        if (IsScript())
            throw new PerfSecurityException("PerfCapabilityTargetIsScript", FailureKind.InvalidArgument,
                $"'{Path}' is a script (it starts with #!). The kernel ignores file capabilities on scripts; put them on the binary the script runs.", Path);

        long flags;
        try { flags = FileSystem.MountFlags(_fd, Path); }
        catch (SystemCallException e) { throw PerfSecurityException.FromSystemCall("PerfCapabilityOpenFailed", e, $"Cannot inspect the filesystem of '{Path}': {Errno.Describe(e.Errno)}.", Path); }
        if ((flags & FileSystem.ST_NOSUID) != 0)
            throw new PerfSecurityException("PerfCapabilityNosuidMount", FailureKind.InvalidOperation,
                $"'{Path}' is on a filesystem mounted nosuid, where the kernel ignores file capabilities. Move the binary to a filesystem without nosuid, or use New-PerfCapabilityShell, which gives capabilities through a capability shell instead.", Path);
    }

    /// <summary>Refuses anything but a regular file (the only kind that can hold file capabilities).</summary>
    public FileStatus CheckRegularFile()
    {
        FileStatus st;
        try { st = FileSystem.Stat(_fd); }
        catch (SystemCallException e) { throw PerfSecurityException.FromSystemCall("PerfCapabilityOpenFailed", e, $"Cannot inspect '{Path}': {Errno.Describe(e.Errno)}.", Path); }
        Status = st;
        if (!st.IsRegularFile)
            throw new PerfSecurityException("PerfCapabilityTargetNotRegularFile", FailureKind.InvalidArgument,
                $"'{Path}' is not a regular file. File capabilities apply only to executable regular files.", Path);
        return st;
    }

    private bool IsScript()
    {
        Span<byte> head = stackalloc byte[2];
        int n;
        try { n = FileSystem.ReadHead(_fd, head); }
        catch (SystemCallException) { return false; } // unreadable content: the kernel decides at exec
        return n == 2 && head[0] == (byte)'#' && head[1] == (byte)'!';
    }

    /// <summary>The current capabilities, or null when there is no attribute.</summary>
    public FileCapabilityData? Read() => FileCapabilities.Read(_fd, Path);

    /// <summary>Replaces the attribute with <paramref name="data"/> (fsetxattr on the descriptor).</summary>
    public void Write(FileCapabilityData data)
    {
        try
        {
            Xattr.Set(_fd, FileCapabilityData.XattrName, data.Encode(), Path);
        }
        catch (SystemCallException e)
        {
            throw WriteFailure(e, "set");
        }
    }

    /// <summary>Removes the attribute; false when there was none.</summary>
    public bool Remove()
    {
        try
        {
            return Xattr.Remove(_fd, FileCapabilityData.XattrName, Path);
        }
        catch (SystemCallException e) when (e.Errno == Errno.EOPNOTSUPP)
        {
            return false;
        }
        catch (SystemCallException e)
        {
            throw WriteFailure(e, "remove");
        }
    }

    private PerfSecurityException WriteFailure(SystemCallException e, string verb) => e.Errno switch
    {
        Errno.EPERM or Errno.EACCES => PerfSecurityException.FromSystemCall("PerfCapabilityWriteDenied", e,
            $"Cannot {verb} the capabilities of '{Path}': {Errno.Describe(e.Errno)}. Changing file capabilities needs root (CAP_SETFCAP); run pwsh as root, for example with sudo.", Path),
        Errno.EOPNOTSUPP => PerfSecurityException.FromSystemCall("PerfCapabilityNotSupported", e,
            $"The filesystem of '{Path}' does not support the {FileCapabilityData.XattrName} attribute. Copy the binary to a filesystem with extended attributes (ext4, xfs, btrfs, tmpfs), or use New-PerfCapabilityShell, the capability shell, instead.", Path),
        Errno.EROFS => PerfSecurityException.FromSystemCall("PerfCapabilityReadOnlyFilesystem", e,
            $"'{Path}' is on a read-only filesystem.", Path),
        _ => PerfSecurityException.FromSystemCall("PerfCapabilityWriteFailed", e,
            $"Cannot {verb} the capabilities of '{Path}': {Errno.Describe(e.Errno)}.", Path),
    };

    public void Dispose()
    {
        if (_ownsDescriptor) _fd.Dispose();
    }
}
