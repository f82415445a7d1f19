using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.Acl;

/// <summary>Reads and writes system.posix_acl_access, on a held descriptor or (for reports) a path that is not followed.</summary>
public static class PosixAclFile
{
    /// <summary>The access ACL of the open file.</summary>
    public static AclReading Read(FileDescriptor fd, string? target = null)
        => Interpret(() => Xattr.Get(fd, PosixAcl.AccessXattrName), target);

    /// <summary>The access ACL of the path itself (a symbolic link has none).</summary>
    public static AclReading ReadNoFollow(string path)
        => Interpret(() => Xattr.GetNoFollow(path, PosixAcl.AccessXattrName), path);

    private static AclReading Interpret(Func<byte[]?> read, string? target)
    {
        byte[]? value;
        try { value = read(); }
        catch (SystemCallException e) when (e.Errno == Errno.EOPNOTSUPP)
        {
            // Filesystems without POSIX ACLs (or mounted noacl): only the mode counts.
            return new AclReading(null, Supported: false);
        }
        catch (SystemCallException e)
        {
            throw PerfSecurityException.FromSystemCall("PerfAclReadFailed", e,
                $"Cannot read the POSIX ACL of '{target}': {Errno.Describe(e.Errno)}.", target);
        }
        if (value is null) return new AclReading(null, Supported: true);
        try { return new AclReading(PosixAcl.Decode(value), Supported: true); }
        catch (PerfSecurityException e)
        {
            throw new PerfSecurityException(e.ErrorId, e.Kind, $"'{target}': {e.Message}", target, e);
        }
    }

    /// <summary>
    /// Writes the access ACL with fsetxattr. The kernel keeps the mode in step (the group bits become the mask)
    /// and stores no attribute for an ACL that a mode says exactly.
    /// </summary>
    public static void Write(FileDescriptor fd, PosixAcl acl, string? target = null)
        => Xattr.Set(fd, PosixAcl.AccessXattrName, acl.Encode(), target);
}
