using System.Management.Automation;
using PerfSecurity.Errors;
using PerfSecurity.Text;

namespace PerfSecurity.Module;

/// <summary>
/// Base of every cmdlet: turns the core's failures into ErrorRecords with stable ids and categories, and escapes
/// control characters (<see cref="DisplayText"/>) in everything it shows a person: verbose, warning and debug
/// messages, progress records, error messages and the questions of ShouldProcess and ShouldContinue.
/// </summary>
public abstract class PerfCmdlet : PSCmdlet
{
    private static string Shown(string? text) => DisplayText.Escape(text) ?? "";

    public new void WriteVerbose(string text) => base.WriteVerbose(Shown(text));
    public new void WriteWarning(string text) => base.WriteWarning(Shown(text));
    public new void WriteDebug(string text) => base.WriteDebug(Shown(text));

    public new void WriteProgress(ProgressRecord progress)
    {
        progress.Activity = Shown(progress.Activity);
        progress.StatusDescription = Shown(progress.StatusDescription);
        if (progress.CurrentOperation is not null) progress.CurrentOperation = Shown(progress.CurrentOperation);
        base.WriteProgress(progress);
    }

    public new void WriteError(ErrorRecord error) => base.WriteError(Shown(error));
    public new void ThrowTerminatingError(ErrorRecord error) => base.ThrowTerminatingError(Shown(error));

    public new bool ShouldProcess(string target, string action) => base.ShouldProcess(Shown(target), Shown(action));
    public new bool ShouldContinue(string query, string caption) => base.ShouldContinue(Shown(query), Shown(caption));

    /// <summary>An error whose message quotes something raw (a PowerShell exception naming a path) is shown escaped.</summary>
    private static ErrorRecord Shown(ErrorRecord error)
    {
        if (error.ErrorDetails is null && DisplayText.HasUnsafe(error.Exception.Message))
            error.ErrorDetails = new ErrorDetails(Shown(error.Exception.Message));
        return error;
    }

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
