using System.Management.Automation;
using PerfSecurity.Audit;
using PerfSecurity.Errors;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsLifecycle.Invoke, "PerfSecurityAudit")]
[OutputType(typeof(Finding))]
public sealed class InvokePerfSecurityAuditCommand : PerfCmdlet
{
    private static readonly PathPolicy Paths = new("PerfAudit", "PerfAuditPathNotFound");
    private readonly List<string> _paths = new();
    private readonly List<string> _dataPaths = new();

    /// <summary>The standards to judge by: the kernel guide's profile by default; All gives one verdict per standard.</summary>
    [Parameter(Position = 0)]
    [ValidateSet("PerfSecurityGuide", "Scap", "Kspp", "Lynis", AuditCatalog.All, IgnoreCase = true)]
    [ArgumentCompleter(typeof(AuditProfileOrAllCompleter))]
    public string[] Profile { get; set; } = { nameof(AuditProfile.PerfSecurityGuide) };

    /// <summary>perf binaries (or directories of them) to check instead of those found on PATH and the standard directories.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string[]? Path { get; set; }

    /// <summary>Directories (or files) searched for perf.data files readable by others.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[]? DataPath { get; set; }

    /// <summary>The auditd log searched for double CAP_PERFMON + CAP_SYS_ADMIN denials.</summary>
    [Parameter]
    public string AuditLogPath { get; set; } = AuditLogFile.DefaultPath;

    /// <summary>Only these checks (ids such as PERF-PARANOID-RUNTIME).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(AuditCheckIdCompleter))]
    public string[]? Id { get; set; }

    protected override void ProcessRecord()
    {
        if (Path is not null) _paths.AddRange(ResolvePaths(Path, null, Paths));
        if (DataPath is not null) _dataPaths.AddRange(ResolvePaths(DataPath, null, Paths));
    }

    protected override void EndProcessing()
    {
        if (Id is not null)
        {
            foreach (string id in Id)
            {
                try { AuditCatalog.Get(id); }
                catch (PerfSecurityException e) { ThrowFailure(e); }
            }
        }
        var profiles = Profile.Any(p => p.Equals(AuditCatalog.All, StringComparison.OrdinalIgnoreCase))
            ? AuditCatalog.AllProfiles
            : Profile.Select(p => Enum.Parse<AuditProfile>(p, ignoreCase: true)).Distinct().ToList();
        var progress = new ProgressRecord(1, "Invoke-PerfSecurityAudit", "Starting");
        var context = new AuditContext(
            Path is null && _paths.Count == 0 ? null : _paths,
            _dataPaths,
            progress: (activity, status, percent) =>
            {
                progress.Activity = activity;
                progress.StatusDescription = status;
                progress.PercentComplete = Math.Clamp(percent, -1, 100);
                WriteProgress(progress);
            },
            token: StopToken,
            auditLogPath: SessionState.Path.GetUnresolvedProviderPathFromPSPath(AuditLogPath));
        try
        {
            foreach (var finding in AuditCatalog.Run(context, profiles, Id))
            {
                WriteObject(finding);
            }
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested) { }
        catch (PerfSecurityException e) { ThrowFailure(e); }
        finally
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
        foreach (string u in context.Unreadable) WriteVerbose($"Not readable: {u}");
    }
}
