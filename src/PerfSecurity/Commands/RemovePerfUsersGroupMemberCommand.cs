using System.Management.Automation;
using PerfSecurity.Errors;
using PerfSecurity.Groups;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsCommon.Remove, "PerfUsersGroupMember", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PerfUsersGroupMember))]
public sealed class RemovePerfUsersGroupMemberCommand : PerfCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(UserNameCompleter))]
    [Alias("User")]
    [ValidateNotNullOrEmpty]
    public string[] UserName { get; set; } = Array.Empty<string>();

    [Parameter]
    [ArgumentCompleter(typeof(PerfUsersGroupNameCompleter))]
    [Alias("GroupName")]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = GroupDatabase.DefaultGroupName;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (string user in UserName)
            Try(() => One(user));
    }

    private void One(string userName)
    {
        var result = GroupMembership.Remove(Name, userName, CmdletGates.GateOf(this));
        if (PassThru && !CmdletGates.IsWhatIf(this)) WriteObject(result);
    }
}
