using System.Collections.Concurrent;
using System.Globalization;

namespace PerfSecurity.Users;

/// <summary>
/// Names for numeric ids through NSS (the number when there is no entry), cached per process. Ids are reused after
/// userdel or groupdel: the cache starts afresh whenever the local database file changes. Unknown ids are not cached,
/// so an account added later gets its name on the next call.
/// </summary>
internal sealed class NameCache
{
    private readonly string _databaseFile;
    private readonly Func<uint, string?> _lookup;
    private ConcurrentDictionary<uint, string> _cache = new();
    private DateTime _stamp;

    public NameCache(string databaseFile, Func<uint, string?> lookup)
    {
        _databaseFile = databaseFile;
        _lookup = lookup;
    }

    public string Of(uint id)
    {
        DateTime stamp = File.GetLastWriteTimeUtc(_databaseFile);
        if (stamp != _stamp)
        {
            _cache = new ConcurrentDictionary<uint, string>();
            _stamp = stamp;
        }
        if (_cache.TryGetValue(id, out string? name)) return name;
        if (_lookup(id) is not { } found) return id.ToString(CultureInfo.InvariantCulture);
        return _cache[id] = found;
    }
}
