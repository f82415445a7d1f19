using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.Groups;

/// <summary>
/// Reads groups and users through NSS and changes /etc/group only through its owners
/// (groupadd; gpasswd, or usermod where gpasswd is missing).
/// </summary>
public static class GroupDatabase
{
    public const string DefaultGroupName = "perf_users";

    public static Accounts.GroupEntry? Find(string name) => Accounts.GroupByName(name);

    public static Accounts.GroupEntry Require(string name)
        => Find(name) ?? throw new PerfSecurityException("PerfUsersGroupNotFound", FailureKind.ObjectNotFound,
            $"The group '{name}' does not exist. Create it with New-PerfUsersGroup -Name {name}.", name);

    public static Accounts.UserEntry RequireUser(string userName)
        => Accounts.UserByName(userName) ?? throw new PerfSecurityException("PerfUsersGroupUserNotFound", FailureKind.ObjectNotFound,
            $"The user '{userName}' does not exist.", userName);

    /// <summary>Creates a system group with groupadd; the name is checked by groupadd itself.</summary>
    public static Accounts.GroupEntry Create(string name)
    {
        ExternalTool.Run("groupadd", "passwd", new[] { "--system", "--", name }, "PerfUsersGroupCreateFailed",
            $"Creating the group '{name}'", name,
            // groupadd: 2 bad syntax, 3 bad argument (an invalid name), 9 name in use.
            code => code is 2 or 3 ? FailureKind.InvalidArgument : FailureKind.InvalidOperation);
        return Find(name) ?? throw new PerfSecurityException("PerfUsersGroupCreateFailed", FailureKind.InvalidOperation,
            $"groupadd reported success but the group '{name}' cannot be found through NSS (check /etc/nsswitch.conf).", name);
    }

    /// <summary>Whether the user is in the group, as a supplementary member or by primary group.</summary>
    public static bool IsMember(Accounts.GroupEntry group, Accounts.UserEntry user)
        => user.Gid == group.Gid || group.Members.Contains(user.Name, StringComparer.Ordinal);

    public static void AddMember(string groupName, string userName)
    {
        if (ExternalTool.Find("gpasswd") is not null)
            ExternalTool.Run("gpasswd", "passwd", new[] { "-a", userName, groupName }, "PerfUsersGroupMemberAddFailed",
                $"Adding '{userName}' to the group '{groupName}'", userName);
        else
            ExternalTool.Run("usermod", "passwd", new[] { "-a", "-G", groupName, "--", userName }, "PerfUsersGroupMemberAddFailed",
                $"Adding '{userName}' to the group '{groupName}'", userName);
    }

    public static void RemoveMember(string groupName, string userName)
        => ExternalTool.Run("gpasswd", "passwd", new[] { "-d", userName, groupName }, "PerfUsersGroupMemberRemoveFailed",
            $"Removing '{userName}' from the group '{groupName}'", userName);
}
