using System.Globalization;
namespace PerfSecurity.Users;

/// <summary>
/// Read-only view of /etc/passwd and /etc/group: names for ids, and who belongs to a group
/// (its member list plus every user whose primary group it is).
/// </summary>
public sealed class AccountDatabase
{
    private readonly Dictionary<uint, string> _users = new();
    private readonly Dictionary<uint, uint> _primaryGroup = new();
    private readonly Dictionary<uint, string> _groups = new();
    private readonly Dictionary<uint, string[]> _members = new();

    public AccountDatabase(string passwdText, string groupText)
    {
        foreach (var f in Rows(passwdText, 4))
        {
            if (uint.TryParse(f[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out uint uid))
            {
                _users.TryAdd(uid, f[0]);
                if (uint.TryParse(f[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out uint gid)) _primaryGroup.TryAdd(uid, gid);
            }
        }
        foreach (var f in Rows(groupText, 4))
        {
            if (!uint.TryParse(f[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out uint gid)) continue;
            _groups.TryAdd(gid, f[0]);
            _members.TryAdd(gid, f[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
    }

    /// <summary>The accounts of this host; missing files give an empty database.</summary>
    public static AccountDatabase Load(string root = "/")
        => new(ReadOrEmpty(Path.Combine(root, "etc/passwd")), ReadOrEmpty(Path.Combine(root, "etc/group")));

    private static string ReadOrEmpty(string path) => IO.BoundedFile.TryReadAllText(path, IO.BoundedFile.AccountDatabaseLimit) ?? "";

    private static IEnumerable<string[]> Rows(string text, int minFields)
    {
        foreach (string line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            string[] f = line.TrimEnd('\r').Split(':');
            if (f.Length >= minFields) yield return f;
        }
    }

    public string UserName(uint uid) => _users.TryGetValue(uid, out var n) ? n : uid.ToString(CultureInfo.InvariantCulture);
    public string? FindUserName(uint uid) => _users.TryGetValue(uid, out var n) ? n : null;
    public string GroupName(uint gid) => _groups.TryGetValue(gid, out var n) ? n : gid.ToString(CultureInfo.InvariantCulture);

    /// <summary>Every user of the database by uid.</summary>
    public IEnumerable<(uint Uid, string Name)> Users => _users.OrderBy(u => u.Key).Select(u => (u.Key, u.Value));

    /// <summary>The groups a user's processes carry after login: the primary group and every group listing the user.</summary>
    public IReadOnlyCollection<uint> GroupsOf(uint uid)
    {
        var set = new SortedSet<uint>();
        if (_primaryGroup.TryGetValue(uid, out uint primary)) set.Add(primary);
        if (_users.TryGetValue(uid, out string? name))
            foreach (var (gid, names) in _members)
                if (names.Contains(name, StringComparer.Ordinal)) set.Add(gid);
        return set;
    }

    /// <summary>User names in the group: listed members and users whose primary group it is.</summary>
    public IReadOnlyList<string> GroupMembers(uint gid)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        if (_members.TryGetValue(gid, out var listed)) set.UnionWith(listed);
        foreach (var (uid, g) in _primaryGroup)
            if (g == gid && _users.TryGetValue(uid, out var n)) set.Add(n);
        return set.ToList();
    }
}
