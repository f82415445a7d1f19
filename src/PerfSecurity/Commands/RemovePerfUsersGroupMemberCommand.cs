using System.Management.Automation;
using PerfSecurity.Groups;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsCommon.Remove, "PerfUsersGroupMember", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PerfUsersGroupMember))]
public sealed class RemovePerfUsersGroupMemberCommand : PerfUsersGroupMemberCmdlet
{
    protected override PerfUsersGroupMember Change(string group, string user, ChangeGate gate)
        => GroupMembership.Remove(group, user, gate);
}
