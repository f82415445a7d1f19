using System.Management.Automation;
using PerfSecurity.Errors;

namespace PerfSecurity.Module;

/// <summary>Base of every cmdlet: turns the core's failures into ErrorRecords with stable ids and categories.</summary>
public abstract class PerfCmdlet : PSCmdlet
{
    protected static ErrorCategory CategoryOf(FailureKind kind) => kind switch
    {
        FailureKind.InvalidArgument => ErrorCategory.InvalidArgument,
        FailureKind.InvalidData => ErrorCategory.InvalidData,
        FailureKind.InvalidOperation => ErrorCategory.InvalidOperation,
        FailureKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        FailureKind.PermissionDenied => ErrorCategory.PermissionDenied,
        FailureKind.NotImplemented => ErrorCategory.NotImplemented,
        FailureKind.NotInstalled => ErrorCategory.NotInstalled,
        FailureKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        FailureKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
        FailureKind.SecurityError => ErrorCategory.SecurityError,
        FailureKind.WriteError => ErrorCategory.WriteError,
        FailureKind.ReadError => ErrorCategory.ReadError,
        _ => ErrorCategory.NotSpecified,
    };

    protected static ErrorRecord ToErrorRecord(PerfSecurityException e)
        => new(e, e.ErrorId, CategoryOf(e.Kind), e.Target);

    /// <summary>Reports a failure of one item and goes on with the next.</summary>
    protected void WriteFailure(PerfSecurityException e) => WriteError(ToErrorRecord(e));

    /// <summary>Stops the cmdlet: nothing else can go on.</summary>
    protected void ThrowFailure(PerfSecurityException e) => ThrowTerminatingError(ToErrorRecord(e));

    /// <summary>Runs one unit of work, reporting the core's failures as non-terminating errors.</summary>
    protected void Try(Action action)
    {
        try { action(); }
        catch (PerfSecurityException e) { WriteFailure(e); }
    }

    /// <summary>
    /// A file-system path for a change, as the kernel will read it: an absolute path is kept as typed, because
    /// PowerShell removes ".." by text and, after a symbolic link, "link/.." is not the directory the text suggests;
    /// IO/SecurePath resolves it as the kernel does. Other paths (relative, a drive, ~) go through the provider.
    /// </summary>
    protected string KernelPath(string path)
        => path.StartsWith('/') ? path : SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

    /// <summary>A directory given as a PowerShell path (for -Root); a missing one stops the cmdlet.</summary>
    protected string ResolveDirectory(string path)
    {
        string resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        if (!Directory.Exists(resolved))
            ThrowFailure(new PerfSecurityException("PerfRootNotFound", FailureKind.ObjectNotFound,
                $"The directory '{resolved}' does not exist.", path));
        return resolved;
    }

    /// <summary>One existing file given as a PowerShell path; a missing one stops the cmdlet.</summary>
    protected string ResolveFile(string path)
    {
        string resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        if (!File.Exists(resolved))
            ThrowFailure(new PerfSecurityException("PerfFileNotFound", FailureKind.ObjectNotFound,
                $"The file '{resolved}' does not exist.", path));
        return resolved;
    }
}
