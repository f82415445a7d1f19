using System.Collections.ObjectModel;
using System.Management.Automation;
using PerfSecurity.Audit;
using PerfSecurity.Errors;
using PerfSecurity.Module;
using PerfSecurity.Users;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsCommon.Get, "PerfCapabilityDenial", DefaultParameterSetName = PathSet)]
[OutputType(typeof(CapabilityDenial))]
public sealed class GetPerfCapabilityDenialCommand : PerfCmdlet, IDisposable
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private DenialCollector? _collector;
    private readonly CancellationTokenSource _cancel = new();

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

    protected override void StopProcessing() => _cancel.Cancel();

    public void Dispose() => _cancel.Dispose();

    protected override void ProcessRecord()
    {
        foreach (string file in ResolvePaths())
        {
            WriteVerbose($"Reading {file}");
            var progress = new ProgressRecord(1, "Reading audit records", file);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            void Report(long done, long total)
            {
                if (clock.ElapsedMilliseconds < 200 || total <= 0) return;
                clock.Restart();
                progress.PercentComplete = (int)Math.Min(100, done * 100 / total);
                WriteProgress(progress);
            }
            try
            {
                AuditLogFile.Read(file, _collector!, Report, _cancel.Token);
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

    private IEnumerable<string> ResolvePaths()
    {
        if (ParameterSetName == LiteralPathSet)
        {
            foreach (string p in LiteralPath) yield return SessionState.Path.GetUnresolvedProviderPathFromPSPath(p);
            yield break;
        }
        foreach (string p in Path)
        {
            Collection<string>? resolved = null;
            try { resolved = GetResolvedProviderPathFromPSPath(p, out _); }
            catch (ItemNotFoundException) { }
            if (resolved is null || resolved.Count == 0)
            {
                // Let the open report it, with the hint about auditd for the default log.
                yield return SessionState.Path.GetUnresolvedProviderPathFromPSPath(p);
                continue;
            }
            foreach (string r in resolved) yield return r;
        }
    }
}
