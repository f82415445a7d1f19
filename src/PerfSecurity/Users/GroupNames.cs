namespace PerfSecurity.Users;

/// <summary>Group names for gids through NSS (the number when there is no entry), cached per process.</summary>
public static class GroupNames
{
    private static readonly NameCache Cache = new("/etc/group", gid => Native.Accounts.GroupById(gid)?.Name);

    public static string Of(uint gid) => Cache.Of(gid);
}
