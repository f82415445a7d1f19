using System.Globalization;
using PerfSecurity.Native;

namespace PerfSecurity.Users;

/// <summary>
/// The accounts as NSS gives them (Native.Accounts), for code that asks about many ids at once (who may read a
/// perf.data file, whose denials an audit log holds): every user and group NSS enumerates, and for an id or a member
/// the enumeration lacks (a directory service that does not enumerate), a lookup through NSS like login's. Users
/// from LDAP or SSSD resolve here as they do in UserNames, GroupNames and the completers.
/// </summary>
public sealed class AccountDatabase
{
    private readonly Dictionary<uint, Accounts.UserEntry> _users = new();
    private readonly Dictionary<uint, Accounts.GroupEntry> _groups = new();
    private readonly bool _live;

    /// <summary>A fixed database of these entries (the first entry of an id wins), with no NSS lookups beyond them.</summary>
    public AccountDatabase(IEnumerable<Accounts.UserEntry> users, IEnumerable<Accounts.GroupEntry> groups) : this(users, groups, live: false) { }

    private AccountDatabase(IEnumerable<Accounts.UserEntry> users, IEnumerable<Accounts.GroupEntry> groups, bool live)
    {
        foreach (var u in users) _users.TryAdd(u.Uid, u);
        foreach (var g in groups) _groups.TryAdd(g.Gid, g);
        _live = live;
    }

    /// <summary>The accounts of this host, through NSS.</summary>
    public static AccountDatabase Load() => new(Accounts.AllUsers(), Accounts.AllGroups(), live: true);

    /// <summary>The user name of a uid, or the number when there is none.</summary>
    public string UserName(uint uid)
        => _users.TryGetValue(uid, out var u) ? u.Name : _live ? UserNames.Of(uid) : uid.ToString(CultureInfo.InvariantCulture);

    /// <summary>The group name of a gid, or the number when there is none.</summary>
    public string GroupName(uint gid)
        => _groups.TryGetValue(gid, out var g) ? g.Name : _live ? GroupNames.Of(gid) : gid.ToString(CultureInfo.InvariantCulture);

    /// <summary>Every user of the database by uid.</summary>
    public IEnumerable<(uint Uid, string Name)> Users => _users.OrderBy(u => u.Key).Select(u => (u.Key, u.Value.Name));

    /// <summary>Every group of the database by gid.</summary>
    public IEnumerable<(uint Gid, string Name)> Groups => _groups.OrderBy(g => g.Key).Select(g => (g.Key, g.Value.Name));

    /// <summary>The groups a user's processes carry after login: the primary group and every group listing the user.</summary>
    public IReadOnlyCollection<uint> GroupsOf(uint uid)
    {
        if (!_users.TryGetValue(uid, out var user)) return Array.Empty<uint>();
        // NSS answers this for every source, directory services included, as login does (getgrouplist).
        if (_live) return new SortedSet<uint>(Accounts.GroupIdsOf(user.Name, user.Gid));
        var set = new SortedSet<uint> { user.Gid };
        foreach (var g in _groups.Values)
            if (g.Members.Contains(user.Name, StringComparer.Ordinal)) set.Add(g.Gid);
        return set;
    }

    /// <summary>User names in the group: listed members and users whose primary group it is.</summary>
    public IReadOnlyList<string> GroupMembers(uint gid)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        if (_groups.TryGetValue(gid, out var g)) set.UnionWith(g.Members);
        else if (_live && Accounts.GroupById(gid) is { } found) set.UnionWith(found.Members);
        foreach (var u in _users.Values)
            if (u.Gid == gid) set.Add(u.Name);
        return set.ToList();
    }
}
