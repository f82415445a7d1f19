using System.Management.Automation;
using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using PerfSecurity.Groups;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsCommon.New, "PerfCapabilityShell", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PerfCapabilityShell))]
public sealed class NewPerfCapabilityShellCommand : PerfCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("LiteralPath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = CapabilityShell.DefaultPath;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(PerfUsersGroupNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Group { get; set; } = GroupDatabase.DefaultGroupName;

    [Parameter]
    [ArgumentCompleter(typeof(CapabilityNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Capability { get; set; } = { "cap_perfmon" };

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string SudoersPath { get; set; } = CapabilityShell.DefaultSudoersPath;

    [Parameter]
    public SwitchParameter NoPassword { get; set; }

    /// <summary>Write a shell whose capabilities make it root-equivalent (cap_setuid, cap_sys_admin, …) without asking.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var request = new CapabilityShellRequest(KernelPath(Path), Group, CapabilitySet.Parse(Capability), KernelPath(SudoersPath), NoPassword);
            var (shell, warnings) = CapabilityShell.Install(request, CmdletGates.GateOf(this),
                question => Force || ShouldContinue(question, "Open a root-equivalent capability shell"));
            foreach (string w in warnings) WriteWarning(w);
            if (PassThru && !CmdletGates.IsWhatIf(this)) WriteObject(shell);
        }
        catch (PerfSecurityException e)
        {
            ThrowFailure(e);
        }
    }
}
