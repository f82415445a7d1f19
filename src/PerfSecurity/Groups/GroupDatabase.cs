using PerfSecurity.Errors;
using PerfSecurity.Native;
using PerfSecurity.Text;
using PerfSecurity.Users;

namespace PerfSecurity.Groups;

/// <summary>
/// Reads groups and users through NSS and changes /etc/group only through its owners
/// (groupadd; gpasswd, or usermod where gpasswd is missing).
/// </summary>
public static class GroupDatabase
{
    public const string DefaultGroupName = "perf_users";

    public static Accounts.GroupEntry? Find(string name) => Accounts.GroupByName(name);

    /// <summary>An existing group with a valid name (the names reach gpasswd and usermod).</summary>
    public static Accounts.GroupEntry Require(string name)
        => AccountName.RequireGroup(name, "-Name", "PerfUsersGroupNotFound", $"Create it with New-PerfUsersGroup -Name {CommandLine.Quote(name)}.");

    /// <summary>An existing user with a valid name; <paramref name="parameter"/> names where it came from in errors.</summary>
    public static Accounts.UserEntry RequireUser(string userName, string parameter = "-UserName")
        => AccountName.RequireUser(userName, parameter, "PerfUsersGroupUserNotFound");

    /// <summary>Creates a system group with groupadd, after shadow's own name rule.</summary>
    public static Accounts.GroupEntry Create(string name)
    {
        AccountName.RequireValid(name, AccountKind.Group, "-Name");
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
        AccountName.RequireValid(groupName, AccountKind.Group, "-Name");
        AccountName.RequireValid(userName, AccountKind.User, "-UserName");
        if (ExternalTool.Find("gpasswd") is not null)
            ExternalTool.Run("gpasswd", "passwd", new[] { "-a", userName, groupName }, "PerfUsersGroupMemberAddFailed",
                $"Adding '{userName}' to the group '{groupName}'", userName);
        else
            ExternalTool.Run("usermod", "passwd", new[] { "-a", "-G", groupName, "--", userName }, "PerfUsersGroupMemberAddFailed",
                $"Adding '{userName}' to the group '{groupName}'", userName);
    }

    public static void RemoveMember(string groupName, string userName)
    {
        AccountName.RequireValid(groupName, AccountKind.Group, "-Name");
        AccountName.RequireValid(userName, AccountKind.User, "-UserName");
        ExternalTool.Run("gpasswd", "passwd", new[] { "-d", userName, groupName }, "PerfUsersGroupMemberRemoveFailed",
            $"Removing '{userName}' from the group '{groupName}'", userName);
    }
}
