using System.Management.Automation;
using PerfSecurity.Groups;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsCommon.Add, "PerfUsersGroupMember", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PerfUsersGroupMember))]
public sealed class AddPerfUsersGroupMemberCommand : PerfUsersGroupMemberCmdlet
{
    protected override PerfUsersGroupMember Change(string group, string user, ChangeGate gate)
        => GroupMembership.Add(group, user, gate);
}
