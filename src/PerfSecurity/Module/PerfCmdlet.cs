using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Management.Automation;
using PerfSecurity.Errors;
using PerfSecurity.IO;
using PerfSecurity.Text;

namespace PerfSecurity.Module;

/// <summary>
/// Base of every cmdlet: turns the core's failures into ErrorRecords with stable ids and categories, and escapes
/// control characters (<see cref="DisplayText"/>) in everything it shows a person: verbose, warning and debug
/// messages, progress records, error messages and the questions of ShouldProcess and ShouldContinue. It also holds
/// what every cmdlet does the same way: -Path/-LiteralPath resolution (<see cref="ResolvePaths"/>), throttled
/// progress (<see cref="WriteProgressThrottled(ProgressRecord)"/>) and cancellation (<see cref="StopToken"/>).
/// </summary>
public abstract class PerfCmdlet : PSCmdlet, IDisposable
{
    /// <summary>How often a long loop may write progress: a record costs more than most items of work.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);

    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _progressClock = Stopwatch.StartNew();
    private bool _progressWritten;

    /// <summary>
    /// Cancelled when the pipeline stops (Ctrl+C, Select-Object -First, a Stop() of the runspace): loops of the cmdlet
    /// check it, and long work in the core takes it.
    /// </summary>
    protected CancellationToken StopToken => _stop.Token;

    protected override void StopProcessing() => _stop.Cancel();

    void IDisposable.Dispose()
    {
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Writes a progress record at most once per <see cref="ProgressInterval"/> (the first one at once); a Completed
    /// record is always written.
    /// </summary>
    protected void WriteProgressThrottled(ProgressRecord progress)
    {
        if (progress.RecordType == ProgressRecordType.Completed || ProgressDue()) WriteProgress(progress);
    }

    /// <summary>As <see cref="WriteProgressThrottled(ProgressRecord)"/> for a loop too hot to make a record it may not write.</summary>
    protected void WriteProgressThrottled(Func<ProgressRecord> progress)
    {
        if (ProgressDue()) WriteProgress(progress());
    }

    private bool ProgressDue()
    {
        if (_progressWritten && _progressClock.Elapsed < ProgressInterval) return false;
        _progressWritten = true;
        _progressClock.Restart();
        return true;
    }

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
        FailureKind.InvalidResult => ErrorCategory.InvalidResult,
        _ => ErrorCategory.NotSpecified,
    };

    /// <summary>The one place a failure becomes an ErrorRecord: its ErrorId, the category of its kind, its target (or the input object it concerns).</summary>
    protected static ErrorRecord ToErrorRecord(PerfSecurityException e, object? target = null)
        => new(e, e.ErrorId, CategoryOf(e.Kind), target ?? e.Target);

    /// <summary>Reports a failure of one item and goes on with the next.</summary>
    protected void WriteFailure(PerfSecurityException e) => WriteError(ToErrorRecord(e));

    /// <summary>As <see cref="WriteFailure(PerfSecurityException)"/>, naming the input object that failed.</summary>
    protected void WriteFailure(PerfSecurityException e, object target) => WriteError(ToErrorRecord(e, target));

    /// <summary>Stops the cmdlet: nothing else can go on.</summary>
    protected void ThrowFailure(PerfSecurityException e) => ThrowTerminatingError(ToErrorRecord(e));

    /// <summary>Runs one unit of work, reporting the core's failures as non-terminating errors.</summary>
    protected void Try(Action action)
    {
        try { action(); }
        catch (PerfSecurityException e) { WriteFailure(e); }
    }

    /// <summary>A path for messages: bytes that are not UTF-8 as \xNN.</summary>
    protected static string ShownPath(string path) => Native.PathBytes.Display(path);

    /// <summary>
    /// How a cmdlet takes -Path and -LiteralPath: its area (the prefix of its ErrorIds), the one ErrorId it gives a
    /// missing file, and whether the cmdlet's own open reports a missing file instead (with advice of its own).
    /// </summary>
    protected sealed record PathPolicy(string Area, string NotFoundErrorId, bool OpenReportsMissing = false);

    /// <summary>
    /// File-system paths for -Path (wildcards) or -LiteralPath, the one resolver of every cmdlet that takes them.
    /// A literal path is taken as written: a backslash stays part of the name (PowerShell's own resolution would make
    /// it a separator), and bytes that are not UTF-8 (held as U+DC80..U+DCFF, see PathBytes) reach the kernel intact.
    /// Text given to -Path that names an existing file exactly is that file (a Path from an output object always
    /// leads back to its file, even with [ ], a backslash or such bytes in the name); otherwise it is a pattern.
    /// A path of another provider is &lt;Area&gt;NotAFileSystemPath; a missing file and a pattern that matches nothing
    /// are <see cref="PathPolicy.NotFoundErrorId"/>, non-terminating, and the next path is taken.
    /// </summary>
    protected IEnumerable<string> ResolvePaths(string[]? paths, string[]? literalPaths, PathPolicy policy)
    {
        if (literalPaths is not null)
        {
            foreach (string p in literalPaths)
            {
                if (!TryLiteral(p, policy, out string? path)) continue;
                if (!policy.OpenReportsMissing && !FileEntry.Exists(path!))
                {
                    WriteNotFound(p, policy, $"The file '{ShownPath(path!)}' does not exist.");
                    continue;
                }
                yield return path!;
            }
            yield break;
        }
        foreach (string p in paths ?? Array.Empty<string>())
        {
            string? literal = null;
            try { literal = LiteralProviderPath(p); }
            catch (Exception e) when (IsPathFailure(e)) { }
            if (literal is not null && FileEntry.Exists(literal))
            {
                yield return literal;
                continue;
            }
            Collection<string>? resolved = null;
            string? why = null;
            try
            {
                resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(p, out ProviderInfo provider);
                if (provider.Name != "FileSystem") { WriteNotFileSystem(p, policy); continue; }
            }
            catch (Exception e) when (IsPathFailure(e)) { why = e.Message; }
            if (resolved is { Count: > 0 })
            {
                foreach (string r in resolved) yield return r;
                continue;
            }
            // A missing file the cmdlet's open will report, with its own advice.
            if (policy.OpenReportsMissing && !WildcardPattern.ContainsWildcardCharacters(p) && literal is not null)
            {
                yield return literal;
                continue;
            }
            WriteNotFound(p, policy, why is null ? $"No file matches '{ShownPath(p)}'." : $"Cannot find '{ShownPath(p)}': {why}");
        }
    }

    private bool TryLiteral(string p, PathPolicy policy, out string? path)
    {
        path = null;
        try { path = LiteralProviderPath(p); }
        catch (Exception e) when (IsPathFailure(e))
        {
            WriteNotFound(p, policy, $"Cannot find '{ShownPath(p)}': {e.Message}");
            return false;
        }
        if (path is null)
        {
            WriteNotFileSystem(p, policy);
            return false;
        }
        return true;
    }

    private static bool IsPathFailure(Exception e)
        => e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException;

    private void WriteNotFound(string p, PathPolicy policy, string message)
        => WriteFailure(new PerfSecurityException(policy.NotFoundErrorId, FailureKind.ObjectNotFound, message, p));

    private void WriteNotFileSystem(string p, PathPolicy policy)
        => WriteFailure(new PerfSecurityException(policy.Area + "NotAFileSystemPath", FailureKind.InvalidArgument,
            $"'{ShownPath(p)}' is not a file-system path: give the path of a file.", p));

    /// <summary>
    /// The file-system path a literal PowerShell path names, or null when it names another provider. Absolute
    /// paths are kept as written; relative ones start at the current location; ~, drive (Temp:/x) and provider
    /// (FileSystem::/x) qualifiers are resolved by PowerShell and the rest appended unchanged.
    /// </summary>
    private string? LiteralProviderPath(string p)
    {
        string? qualifierBase = null;
        string rest = p;
        int providerMark = p.IndexOf("::", StringComparison.Ordinal);
        int colon = p.IndexOf(':', StringComparison.Ordinal);
        if (providerMark > 0 && !p[..providerMark].Contains('/', StringComparison.Ordinal))
        {
            string provider = p[..providerMark];
            int slash = provider.LastIndexOf('\\');
            if (!string.Equals(slash < 0 ? provider : provider[(slash + 1)..], "FileSystem", StringComparison.OrdinalIgnoreCase)) return null;
            return LiteralProviderPath(p[(providerMark + 2)..]);
        }
        if (p.StartsWith('/')) return Tidy(p);
        if (p == "~" || p.StartsWith("~/", StringComparison.Ordinal))
        {
            qualifierBase = SessionState.Path.GetUnresolvedProviderPathFromPSPath("~");
            rest = p.Length > 2 ? p[2..] : "";
        }
        else if (colon > 0 && !p[..colon].Contains('/', StringComparison.Ordinal) && SessionState.Drive.GetAll().FirstOrDefault(d => d.Name.Equals(p[..colon], StringComparison.OrdinalIgnoreCase)) is { } drive)
        {
            if (drive.Provider.Name != "FileSystem") return null;
            rest = p[(colon + 1)..];
            // Drive:/x starts at the drive's root, Drive:x at its current location.
            qualifierBase = rest.StartsWith('/') ? drive.Root : SessionState.Path.GetUnresolvedProviderPathFromPSPath(drive.Name + ":");
        }
        else
        {
            if (SessionState.Path.CurrentLocation.Provider.Name != "FileSystem") return null;
            qualifierBase = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        }
        return Tidy(qualifierBase.TrimEnd('/') + "/" + rest.TrimStart('/'));
    }

    // Drops "." segments and repeated slashes, which never change the file named; ".." is left to the kernel,
    // which follows links before going up.
    private static string Tidy(string path)
    {
        var parts = path.Split('/').Where(s => s.Length > 0 && s != ".").ToArray();
        string tidy = "/" + string.Join('/', parts);
        return path.Length > 1 && path.EndsWith('/') && tidy.Length > 1 ? tidy + "/" : tidy;
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
