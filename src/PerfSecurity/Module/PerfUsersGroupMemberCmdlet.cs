using System.Management.Automation;
using PerfSecurity.Groups;

namespace PerfSecurity.Module;

/// <summary>Add- and Remove-PerfUsersGroupMember: users from the pipeline, one group, one change each.</summary>
public abstract class PerfUsersGroupMemberCmdlet : PerfCmdlet
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
            Try(() =>
            {
                var result = Change(Name, user, CmdletGates.GateOf(this));
                if (PassThru && !CmdletGates.IsWhatIf(this)) WriteObject(result);
            });
    }

    /// <summary>Makes the change for one user through the group's owner tools.</summary>
    protected abstract PerfUsersGroupMember Change(string group, string user, ChangeGate gate);
}
