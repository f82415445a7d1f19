using System.Management.Automation;
using PerfSecurity.DataFiles;
using PerfSecurity.Module;
using PerfSecurity.Users;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsCommon.Get, "PerfDataExposure", DefaultParameterSetName = PathSet)]
[OutputType(typeof(DataExposure))]
public sealed class GetPerfDataExposureCommand : PerfCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private static readonly PathPolicy Files = new("PerfData", "PerfDataFileNotFound");
    private AccountDatabase? _accounts;

    /// <summary>perf.data files (wildcards allowed), or directories with -Recurse.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>Examine every perf.data file (by its magic) under the given directories.</summary>
    [Parameter]
    public SwitchParameter Recurse { get; set; }

    protected override void BeginProcessing() => _accounts = AccountDatabase.Load();

    protected override void ProcessRecord()
    {
        foreach (string file in ResolvePaths(ParameterSetName == LiteralPathSet ? null : Path, ParameterSetName == LiteralPathSet ? LiteralPath : null, Files))
        {
            if (StopToken.IsCancellationRequested) return;
            if (Recurse && Directory.Exists(file)) Scan(file);
            else Try(() => WriteObject(DataExposureAnalyzer.Read(file, _accounts!)));
        }
    }

    private void Scan(string directory)
    {
        var progress = new ProgressRecord(1, $"Looking for perf.data files under {directory}", "Starting") { PercentComplete = -1 };
        int examined = 0, found = 0;
        foreach (string file in PerfDataFiles.Enumerate(directory))
        {
            if (StopToken.IsCancellationRequested) return;
            examined++;
            progress.StatusDescription = $"{examined} files examined, {found} perf.data files";
            progress.CurrentOperation = file;
            WriteProgressThrottled(progress);
            if (!PerfDataFiles.HasPerfMagic(file)) continue;
            found++;
            Try(() => WriteObject(DataExposureAnalyzer.Read(file, _accounts!)));
        }
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
        WriteVerbose($"{directory}: {examined} files examined, {found} perf.data files.");
    }
}
