using System.Collections.Concurrent;
using System.Globalization;

namespace PerfSecurity.Users;

/// <summary>User names for uids through NSS (the number when there is no entry), cached per process.</summary>
public static class UserNames
{
    private static ConcurrentDictionary<uint, string> s_cache = new();
    private static DateTime s_passwdStamp;

    public static string Of(uint uid)
    {
        // uids are reused after userdel: start afresh whenever /etc/passwd changes.
        DateTime stamp = File.GetLastWriteTimeUtc("/etc/passwd");
        if (stamp != s_passwdStamp)
        {
            s_cache = new ConcurrentDictionary<uint, string>();
            s_passwdStamp = stamp;
        }
        if (s_cache.TryGetValue(uid, out string? name)) return name;
        // Unknown uids are not cached: a user added later gets its name on the next call.
        if (Native.Accounts.UserById(uid) is not { } user) return uid.ToString(CultureInfo.InvariantCulture);
        return s_cache[uid] = user.Name;
    }
}
