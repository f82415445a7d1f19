using System.Collections.Concurrent;
using System.Globalization;

namespace PerfSecurity.Users;

/// <summary>User names for uids through NSS (the number when there is no entry), cached per process.</summary>
public static class UserNames
{
    private static readonly ConcurrentDictionary<uint, string> Cache = new();

    public static string Of(uint uid)
    {
        if (Cache.TryGetValue(uid, out string? name)) return name;
        // Unknown uids are not cached: a user added later gets its name on the next call.
        if (Native.Accounts.UserById(uid) is not { } user) return uid.ToString(CultureInfo.InvariantCulture);
        return Cache[uid] = user.Name;
    }
}
