using System.Diagnostics;
using System.Management.Automation;
using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using PerfSecurity.Module;

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

    private readonly Stopwatch _progressClock = Stopwatch.StartNew();
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
            if (Stopping) return;
            if (Recurse && IsRealDirectory(path)) Scan(path);
            else ReadOne(path, followLinks: true, reportMissing: true);
        }
    }

    // A directory itself, not a link to one (getcap -r does not follow links); lstat keeps names that are not UTF-8.
    private static bool IsRealDirectory(string path)
    {
        try { return Native.FileSystem.Stat(path, followLinks: false).IsDirectory; }
        catch (SystemCallException) { return false; }
    }

    private void ReportPerfOnPath()
    {
        var perf = PerfProgram.Find();
        if (perf is null)
        {
            WriteFailure(new PerfSecurityException("PerfCapabilityPerfNotFound", FailureKind.ObjectNotFound,
                "No executable named perf is on PATH. Install perf (Debian: linux-perf, Ubuntu: linux-tools-generic, Fedora: perf) or give -Path.", "perf"));
            return;
        }
        string target = perf.Path;
        if (perf.IsScript)
        {
            if (perf.Binary is null)
            {
                WriteWarning($"{perf.Path} is a wrapper script, and the kernel ignores file capabilities on scripts. The binary it runs could not be told; give its path with -Path.");
            }
            else
            {
                WriteWarning($"{perf.Path} is a wrapper script, and the kernel ignores file capabilities on scripts. It runs {perf.Binary}; showing that binary's capabilities.");
                target = perf.Binary;
            }
        }
        WriteVerbose($"perf on PATH: {perf.Path}{(target != perf.Path ? $" (runs {target})" : "")}.");
        if (!ReadOne(target, followLinks: true, reportMissing: true))
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
            ShouldStop = () => Stopping,
        };
        scanner.Scan(root, () =>
        {
            if (_progressClock.ElapsedMilliseconds < 200) return;
            _progressClock.Restart();
            WriteProgress(new ProgressRecord(activity, activityText, $"{_scanned + scanner.FilesChecked} files checked") { CurrentOperation = scanner.CurrentFolder });
        });
        _scanned += scanner.FilesChecked;
        if (!Stopping)
            WriteProgress(new ProgressRecord(activity, activityText, "Done") { RecordType = ProgressRecordType.Completed });
    }
}
