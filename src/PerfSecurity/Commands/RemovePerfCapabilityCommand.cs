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
                var current = StoredCapability.Read(file);
                if (!current.Exists)
                {
                    WriteVerbose($"'{ShownPath(path)}' has no file capabilities; nothing to remove.");
                    return;
                }
                string what = current.Data is { } data ? $"'{data.Text}'" : $"({current.Describe()})";
                if (!ShouldProcess(ShownPath(path), $"Remove file capabilities {what}")) return;
                if (!file.Remove())
                {
                    WriteVerbose($"'{ShownPath(path)}' lost its file capabilities before they were removed; nothing to remove.");
                    return;
                }
                // An unreadable value has no text to return; the verbose line says what was removed.
                if (current.Data is null) WriteVerbose($"Removed the file capabilities of '{ShownPath(path)}' ({current.Describe()}).");
                else if (PassThru) WriteObject(new FileCapability(path, current.Data));
            });
        }
    }
}
