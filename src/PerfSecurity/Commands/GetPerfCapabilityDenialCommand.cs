using System.Management.Automation;
using PerfSecurity.Audit;
using PerfSecurity.Errors;
using PerfSecurity.Module;
using PerfSecurity.Users;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsCommon.Get, "PerfCapabilityDenial", DefaultParameterSetName = PathSet)]
[OutputType(typeof(CapabilityDenial))]
public sealed class GetPerfCapabilityDenialCommand : PerfCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    /// <summary>A missing log is reported by the open, with the advice about auditd.</summary>
    private static readonly PathPolicy Logs = new("PerfAuditLog", "PerfAuditLogNotFound", OpenReportsMissing: true);
    private DenialCollector? _collector;

    /// <summary>Audit logs, raw or as printed by ausearch (with or without -i). Default: /var/log/audit/audit.log.</summary>
    [Parameter(Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = { AuditLogFile.DefaultPath };

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>Only events at or after this time.</summary>
    [Parameter]
    public DateTime Since { get; set; }

    protected override void BeginProcessing()
        => _collector = new DenialCollector(MyInvocation.BoundParameters.ContainsKey(nameof(Since)) ? Since : null, AccountDatabase.Load());

    protected override void ProcessRecord()
    {
        foreach (string file in ResolvePaths(ParameterSetName == LiteralPathSet ? null : Path, ParameterSetName == LiteralPathSet ? LiteralPath : null, Logs))
        {
            WriteVerbose($"Reading {file}");
            var progress = new ProgressRecord(1, "Reading audit records", file);
            void Report(long done, long total)
            {
                if (total <= 0) return;
                progress.PercentComplete = (int)Math.Min(100, done * 100 / total);
                WriteProgressThrottled(progress);
            }
            try
            {
                AuditLogFile.Read(file, _collector!, Report, StopToken);
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
            }
            catch (PerfSecurityException e) { WriteFailure(e); }
            catch (OperationCanceledException) { return; }
            catch (IOException e)
            {
                WriteFailure(new PerfSecurityException("PerfAuditLogReadFailed", FailureKind.ReadError, $"Reading '{file}' failed: {e.Message}", file, e));
            }
        }
    }

    protected override void EndProcessing()
    {
        var stats = _collector!.Statistics;
        WriteVerbose($"{stats.Lines} lines, {stats.Records} records, {stats.Events} events, {stats.BadLines} unreadable lines.");
        if (stats.BadLines > 0)
            WriteWarning($"{stats.BadLines} of {stats.Lines} lines are not readable audit records and were skipped (first: {string.Join("; ", stats.BadLineSamples)}).");
        foreach (var d in _collector.Results()) WriteObject(d);
    }
}
