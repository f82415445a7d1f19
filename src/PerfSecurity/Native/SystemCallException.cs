namespace PerfSecurity.Native;

/// <summary>
/// A system call that failed, with its errno and what it was called on. It lives beside <see cref="Errno"/>: the native
/// layer knows nothing above it, and the domain folders turn it into a PerfSecurityException with an ErrorId.
/// </summary>
public sealed class SystemCallException : Exception
{
    public SystemCallException(string call, int errno, string? target = null)
        : base(Text.DisplayText.Escape($"{call}{(target is null ? "" : $" '{target}'")}: {Native.Errno.Describe(errno)}"))
    {
        Call = call;
        Errno = errno;
        TargetName = target;
    }

    public string Call { get; }
    public int Errno { get; }
    public string? TargetName { get; }
    public bool IsPermissionError => Errno is Native.Errno.EPERM or Native.Errno.EACCES;
}
