using System.Diagnostics;
using System.IO.Enumeration;
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
            if (Recurse && Directory.Exists(path) && !IsSymlink(path)) Scan(path);
            else ReadOne(path, followLinks: true, reportMissing: true);
        }
    }

    private static bool IsSymlink(string path)
    {
        try { return Native.FileSystem.Stat(path, followLinks: false).IsSymbolicLink; }
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
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            if (Stopping) return;
            string dir = pending.Pop();
            List<(string Path, bool IsDirectory)> entries;
            try
            {
                entries = new FileSystemEnumerable<(string, bool)>(dir,
                    (ref FileSystemEntry e) => (e.ToFullPath(), e.IsDirectory && (e.Attributes & FileAttributes.ReparsePoint) == 0),
                    new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = false, AttributesToSkip = 0, ReturnSpecialDirectories = false })
                {
                    ShouldIncludePredicate = (ref FileSystemEntry e) => (e.Attributes & FileAttributes.ReparsePoint) == 0,
                }.ToList();
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                WriteWarning($"Cannot read the folder '{dir}': {e.Message}");
                continue;
            }

            foreach (var (path, isDirectory) in entries.OrderByDescending(x => x.Path, StringComparer.Ordinal))
            {
                if (isDirectory) pending.Push(path);
            }
            foreach (var (path, isDirectory) in entries)
            {
                if (Stopping) return;
                if (isDirectory) continue;
                _scanned++;
                ReadOne(path, followLinks: false, reportMissing: false);
            }
            if (_progressClock.ElapsedMilliseconds >= 200)
            {
                _progressClock.Restart();
                WriteProgress(new ProgressRecord(activity, $"Scanning {root} for file capabilities", $"{_scanned} files checked") { CurrentOperation = dir });
            }
        }
        WriteProgress(new ProgressRecord(activity, $"Scanning {root} for file capabilities", "Done") { RecordType = ProgressRecordType.Completed });
    }
}
