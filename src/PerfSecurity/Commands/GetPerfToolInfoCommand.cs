using System.Management.Automation;
using PerfSecurity.Errors;
using PerfSecurity.Module;
using PerfSecurity.Tooling;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsCommon.Get, "PerfToolInfo", DefaultParameterSetName = "Path")]
[OutputType(typeof(PerfToolInfo))]
public sealed class GetPerfToolInfoCommand : PerfCmdlet
{
    /// <summary>The perf program (or wrapper script); default: the perf found on PATH.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Path")]
    public string[]? Path { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "LiteralPath")]
    [Alias("PSPath", "FullName")]
    public string[]? LiteralPath { get; set; }

    /// <summary>Do not run the program for its version; report the ELF build id instead.</summary>
    [Parameter]
    public SwitchParameter NoExecute { get; set; }

    protected override void ProcessRecord()
    {
        foreach (string file in Targets())
        {
            Try(() =>
            {
                PerfToolInfo info = PerfTool.Inspect(file, runVersion: !NoExecute);
                if (info.NotRunReason is not null) WriteWarning(info.NotRunReason + " (as with -NoExecute).");
                WriteObject(info);
            });
        }
    }

    /// <summary>A missing file is reported by the inspection (PerfToolFileNotFound).</summary>
    private static readonly PathPolicy Files = new("PerfTool", "PerfToolFileNotFound", OpenReportsMissing: true);

    private IEnumerable<string> Targets()
    {
        if (Path is null && LiteralPath is null)
        {
            // The perf a shell would run, as the one perf resolver finds it.
            try { return new[] { PerfLocator.FindOnPath() ?? throw PerfLocator.NotFound("PerfToolNotFound") }; }
            catch (PerfSecurityException e) { ThrowFailure(e); }
        }
        return ResolvePaths(Path, LiteralPath, Files);
    }
}
