using System.Management.Automation;
using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using PerfSecurity.IO;
using PerfSecurity.Module;
using PerfSecurity.Tooling;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsCommon.Get, "PerfCapability", DefaultParameterSetName = PathSet)]
[OutputType(typeof(FileCapability))]
public sealed class GetPerfCapabilityCommand : FileCapabilityCmdlet
{
    [Parameter(ParameterSetName = PathSet, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    /// <summary>Scan directories like getcap -r: the whole tree, without following symlinks.</summary>
    [Parameter]
    public SwitchParameter Recurse { get; set; }

    /// <summary>With -Recurse, how many folders are read at the same time: by default one per CPU, at most 16.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = Math.Min(Environment.ProcessorCount, 16);

    private long _scanned;
    private int _activity;

    protected override void ProcessRecord()
    {
        if (Path is null && LiteralPath is null)
        {
            ReportPerfOnPath();
            return;
        }
        foreach (string path in ResolvePaths(Path, LiteralPath))
        {
            if (StopToken.IsCancellationRequested) return;
            // A directory itself, not a link to one: getcap -r does not follow links.
            if (Recurse && FileEntry.IsDirectory(path)) Scan(path);
            else ReadOne(path, followLinks: true, reportMissing: true);
        }
    }

    private void ReportPerfOnPath()
    {
        var perf = PerfLocator.Find();
        if (perf is null)
        {
            WriteFailure(PerfLocator.NotFound("PerfCapabilityPerfNotFound"));
            return;
        }
        if (perf.Binary is null)
            WriteWarning($"{perf.Stop}. Give the path of the perf binary with -Path.");
        else if (perf.IsScript)
            WriteWarning($"{perf.WrapperPath} is a wrapper script, and the kernel ignores file capabilities on scripts. It runs {perf.Binary}; showing that binary's capabilities.");
        // A link that was not followed is read as the link itself: its owner may point it anywhere.
        string target = perf.Binary ?? perf.End;
        WriteVerbose($"perf on PATH: {perf.Path}{(target != perf.Path ? $" (runs {target})" : "")}.");
        if (!ReadOne(target, followLinks: perf.Binary is not null, reportMissing: true))
            WriteVerbose($"{target} has no file capabilities.");
    }

    private bool ReadOne(string path, bool followLinks, bool reportMissing)
    {
        try
        {
            var data = FileCapabilities.Read(path, followLinks);
            if (data is null) return false;
            WriteObject(new FileCapability(path, data));
            return true;
        }
        catch (PerfSecurityException e) when (!reportMissing && e.ErrorId == "PerfCapabilityFileNotFound")
        {
            return false; // removed during the scan
        }
        catch (PerfSecurityException e)
        {
            WriteFailure(e);
            return false;
        }
    }

    private void Scan(string root)
    {
        int activity = ++_activity;
        string activityText = $"Scanning {root} for file capabilities";
        var scanner = new CapabilityScanner
        {
            Workers = ThrottleLimit,
            Found = (path, data) => WriteObject(new FileCapability(path, data)),
            Failed = WriteFailure,
            FolderSkipped = (dir, why) => WriteWarning($"Cannot read the folder '{dir}': {why}."),
            ShouldStop = () => StopToken.IsCancellationRequested,
        };
        scanner.Scan(root, () => WriteProgressThrottled(() =>
            new ProgressRecord(activity, activityText, $"{_scanned + scanner.FilesChecked} files checked") { CurrentOperation = scanner.CurrentFolder }));
        _scanned += scanner.FilesChecked;
        if (!StopToken.IsCancellationRequested)
            WriteProgress(new ProgressRecord(activity, activityText, "Done") { RecordType = ProgressRecordType.Completed });
    }
}
