using System.Management.Automation;
using PerfSecurity.Errors;
using PerfSecurity.Groups;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsCommon.Remove, "PerfCapabilityShell", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemovePerfCapabilityShellCommand : PerfCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("LiteralPath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = CapabilityShell.DefaultPath;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string SudoersPath { get; set; } = CapabilityShell.DefaultSudoersPath;

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            CapabilityShell.Uninstall(KernelPath(Path), KernelPath(SudoersPath), Force, CmdletGates.GateOf(this));
        }
        catch (PerfSecurityException e)
        {
            ThrowFailure(e);
        }
    }
}
