using PerfSecurity.Native;

namespace PerfSecurity.Errors;

/// <summary>
/// A failure the core reports to its callers: a stable error id, a kind, the object it concerns,
/// and a message that says why and what to do. The message is shown to a person, so control characters of the
/// names and paths it quotes are escaped visibly (<see cref="Text.DisplayText"/>); <see cref="Target"/> keeps them raw.
/// </summary>
public sealed class PerfSecurityException : Exception
{
    public PerfSecurityException(string errorId, FailureKind kind, string message, object? target = null, Exception? inner = null)
        : base(Text.DisplayText.Escape(message), inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
    }

    public string ErrorId { get; }
    public FailureKind Kind { get; }
    public object? Target { get; }

    /// <summary>The errno of the failed system call, when there was one.</summary>
    public int Errno => (InnerException as SystemCallException)?.Errno ?? 0;

    /// <summary>
    /// Wraps a failed system call, choosing the kind from its errno
    /// (EPERM/EACCES → PermissionDenied, ENOENT → ObjectNotFound, EINVAL → InvalidArgument).
    /// </summary>
    public static PerfSecurityException FromSystemCall(string errorId, SystemCallException error, string message, object? target = null)
        => new(errorId, KindOf(error.Errno), message, target, error);

    public static FailureKind KindOf(int errno) => errno switch
    {
        Native.Errno.EPERM or Native.Errno.EACCES or Native.Errno.EROFS => FailureKind.PermissionDenied,
        Native.Errno.ENOENT or Native.Errno.ESRCH or Native.Errno.ENODATA => FailureKind.ObjectNotFound,
        Native.Errno.EINVAL => FailureKind.InvalidArgument,
        Native.Errno.EOPNOTSUPP or Native.Errno.ENOSYS or Native.Errno.ENODEV => FailureKind.NotImplemented,
        Native.Errno.EMFILE or Native.Errno.ENFILE or Native.Errno.ENOSPC => FailureKind.LimitsExceeded,
        _ => FailureKind.InvalidOperation,
    };
}
