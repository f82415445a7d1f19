using PerfSecurity.Errors;

namespace PerfSecurity.Groups;

/// <summary>Adds and removes members of a perf users group; a user already in the wanted state is left alone.</summary>
public static class GroupMembership
{
    public static PerfUsersGroupMember Add(string groupName, string userName, ChangeGate gate) => Change(groupName, userName, gate, add: true);

    public static PerfUsersGroupMember Remove(string groupName, string userName, ChangeGate gate) => Change(groupName, userName, gate, add: false);

    private static PerfUsersGroupMember Change(string groupName, string userName, ChangeGate gate, bool add)
    {
        var group = GroupDatabase.Require(groupName);
        var user = GroupDatabase.RequireUser(userName);
        bool member = GroupDatabase.IsMember(group, user);
        if (member == add)
        {
            gate.Verbose($"'{user.Name}' is {(add ? "already" : "not")} a member of '{groupName}'; nothing to change.");
            return new PerfUsersGroupMember(groupName, user.Name, user.Uid, member, changed: false);
        }
        if (!add && user.Gid == group.Gid)
            throw new PerfSecurityException("PerfUsersGroupPrimaryGroup", FailureKind.InvalidOperation,
                $"'{groupName}' is the primary group of '{user.Name}', so removing a supplementary membership does not take the user out. Change the user's primary group with usermod -g first.", userName);
        if (!gate.Approve(user.Name, add ? $"Add to the group '{groupName}'" : $"Remove from the group '{groupName}'"))
            return new PerfUsersGroupMember(groupName, user.Name, user.Uid, member, changed: false);
        Privilege.RequireRoot("PerfUsersGroupNotRoot", add ? "Adding a group member" : "Removing a group member", userName);
        if (add) GroupDatabase.AddMember(groupName, user.Name);
        else GroupDatabase.RemoveMember(groupName, user.Name);
        bool now = GroupDatabase.IsMember(GroupDatabase.Require(groupName), user);
        if (now != add)
            throw new PerfSecurityException(add ? "PerfUsersGroupMemberAddFailed" : "PerfUsersGroupMemberRemoveFailed", FailureKind.InvalidOperation,
                $"The tool reported success, but '{user.Name}' is {(now ? "still" : "not")} a member of '{groupName}' (check /etc/nsswitch.conf).", userName);
        gate.Verbose($"'{user.Name}' {(add ? "added to" : "removed from")} '{groupName}'. New logins of the user get the change.");
        return new PerfUsersGroupMember(groupName, user.Name, user.Uid, now, changed: true);
    }
}
