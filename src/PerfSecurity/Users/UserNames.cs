namespace PerfSecurity.Users;

/// <summary>User names for uids through NSS (the number when there is no entry), cached per process.</summary>
public static class UserNames
{
    private static readonly NameCache Cache = new("/etc/passwd", uid => Native.Accounts.UserById(uid)?.Name);

    public static string Of(uint uid) => Cache.Of(uid);
}
