using System.Management.Automation;
using PerfSecurity.Baselines;
using PerfSecurity.Errors;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsData.Export, "PerfSecurityBaseline", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(string))]
public sealed class ExportPerfSecurityBaselineCommand : PerfCmdlet
{
    /// <summary>The JSON file to write; without it the JSON is written to the pipeline.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>perf binaries (or directories of them) to record instead of those found on PATH and the standard directories.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[]? BinaryPath { get; set; }

    /// <summary>Do not overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter NoClobber { get; set; }

    private readonly List<string> _binaries = new();

    protected override void ProcessRecord()
    {
        if (BinaryPath is null) return;
        foreach (string p in BinaryPath)
        {
            string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(p);
            if (!File.Exists(full) && !Directory.Exists(full))
                ThrowFailure(new PerfSecurityException("PerfBaselinePathNotFound", FailureKind.ObjectNotFound, $"The path '{full}' does not exist.", p));
            _binaries.Add(full);
        }
    }

    protected override void EndProcessing()
    {
        var baseline = PerfSecurityBaseline.Capture(BinaryPath is null ? null : _binaries, u => WriteVerbose($"Not readable: {u}"));
        if (Path is null)
        {
            WriteObject(baseline.ToJson());
            return;
        }
        string file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (NoClobber && File.Exists(file))
            ThrowFailure(new PerfSecurityException("PerfBaselineFileExists", FailureKind.WriteError,
                $"The file '{file}' already exists and -NoClobber was given. Choose another -Path or leave out -NoClobber.", file));
        if (!ShouldProcess(file, "Write the perf security baseline")) return;
        // Readable by all: it holds settings, names and hashes, no secrets.
        try { baseline.WriteFile(file); }
        catch (PerfSecurityException e) { ThrowFailure(e); }
    }
}
