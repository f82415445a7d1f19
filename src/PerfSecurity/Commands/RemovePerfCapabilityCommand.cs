using System.Management.Automation;
using PerfSecurity.Capabilities;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsCommon.Remove, "PerfCapability", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = PathSet)]
[OutputType(typeof(FileCapability))]
public sealed class RemovePerfCapabilityCommand : FileCapabilityCmdlet
{
    [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (string path in ResolvePaths(Path, LiteralPath))
        {
            Try(() =>
            {
                using var file = FileCapabilities.OpenForRemoval(path);
                var current = file.Read();
                if (current is null)
                {
                    WriteVerbose($"'{path}' has no file capabilities; nothing to remove.");
                    return;
                }
                if (!ShouldProcess(path, $"Remove file capabilities '{current.Text}'")) return;
                file.Remove();
                if (PassThru) WriteObject(new FileCapability(path, current));
            });
        }
    }
}
