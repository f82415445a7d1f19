using System.Collections.ObjectModel;
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

    private IEnumerable<string> Targets()
    {
        if (LiteralPath is not null)
        {
            foreach (string p in LiteralPath) yield return SessionState.Path.GetUnresolvedProviderPathFromPSPath(p);
            yield break;
        }
        if (Path is null)
        {
            string? perf = Capabilities.PerfProgram.FindOnPath("perf");
            if (perf is null)
                ThrowFailure(new PerfSecurityException("PerfToolNotFound", FailureKind.ObjectNotFound,
                    "No perf program on PATH. Install it (Debian: linux-perf) or give its location with -Path.", "perf"));
            else yield return perf;
            yield break;
        }
        foreach (string p in Path)
        {
            Collection<string> resolved;
            try { resolved = GetResolvedProviderPathFromPSPath(p, out _); }
            catch (ItemNotFoundException)
            {
                WriteFailure(new PerfSecurityException("PerfToolFileNotFound", FailureKind.ObjectNotFound, $"The file '{p}' does not exist.", p));
                continue;
            }
            foreach (string r in resolved) yield return r;
        }
    }
}
