using System.Globalization;
namespace PerfSecurity.Resources;

/// <summary>One line of limits.conf: domain, type (soft/hard/-), item, value (null = unlimited).</summary>
public sealed record LimitsEntry(string Domain, string Type, string Item, ulong? Value, string File, int Line);

/// <summary>The limit a login of a user gets for one item, and the line it comes from.</summary>
public sealed record ResolvedLimit(ulong? Soft, ulong? Hard, string? SoftSource, string? HardSource);

/// <summary>
/// pam_limits' configuration: /etc/security/limits.conf, then /etc/security/limits.d/*.conf in lexical order.
/// An entry for the user beats one for a group (@group, @gid), which beats a uid/gid range, which beats '*';
/// among equals the later line wins. Group and wildcard entries do not apply to root.
/// </summary>
public sealed class LimitsConfiguration
{
    private LimitsConfiguration(List<LimitsEntry> entries) => Entries = entries;

    public IReadOnlyList<LimitsEntry> Entries { get; }

    public static LimitsConfiguration Load(string root = "/")
    {
        var files = new List<string>();
        string main = Path.Combine(root, "etc/security/limits.conf");
        if (File.Exists(main)) files.Add(main);
        string dir = Path.Combine(root, "etc/security/limits.d");
        if (Directory.Exists(dir))
            files.AddRange(Directory.EnumerateFiles(dir, "*.conf").OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal));
        var entries = new List<LimitsEntry>();
        foreach (string file in files)
        {
            try { entries.AddRange(Parse(File.ReadAllText(file), file)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return new LimitsConfiguration(entries);
    }

    public static LimitsConfiguration FromEntries(IEnumerable<LimitsEntry> entries) => new(entries.ToList());

    /// <summary>Parses one file; malformed lines are skipped, as pam_limits does.</summary>
    public static IEnumerable<LimitsEntry> Parse(string text, string file)
    {
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            int hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0) line = line[..hash];
            string[] f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length != 4) continue;
            string type = f[1].ToLowerInvariant();
            if (type is not ("soft" or "hard" or "-")) continue;
            string item = f[2].ToLowerInvariant();
            ulong? value;
            string v = f[3].ToLowerInvariant();
            if (v is "unlimited" or "infinity" or "-1") value = null;
            else if (ulong.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong n)) value = n;
            else continue;
            yield return new LimitsEntry(f[0], type, item, value, file, i + 1);
        }
    }

    /// <summary>The limit of <paramref name="item"/> (e.g. memlock, nofile) for a user, or null parts where no line applies.</summary>
    public ResolvedLimit Resolve(string item, string user, uint uid, uint primaryGid, IReadOnlyCollection<uint> gids, Func<string, uint?> groupIdOf)
    {
        ulong? soft = null, hard = null;
        string? softSource = null, hardSource = null;
        int softRank = int.MaxValue, hardRank = int.MaxValue;
        foreach (var e in Entries)
        {
            if (!string.Equals(e.Item, item, StringComparison.Ordinal)) continue;
            int rank = RankOf(e.Domain, user, uid, primaryGid, gids, groupIdOf);
            if (rank < 0) continue;
            string source = $"{e.File}:{e.Line}";
            if (e.Type is "soft" or "-" && rank <= softRank) { soft = e.Value; softSource = source; softRank = rank; }
            if (e.Type is "hard" or "-" && rank <= hardRank) { hard = e.Value; hardSource = source; hardRank = rank; }
        }
        return new ResolvedLimit(soft, hard, softSource, hardSource);
    }

    /// <summary>0 user, 1 group, 2 uid/gid range, 3 wildcard; -1 when the domain does not match.</summary>
    private static int RankOf(string domain, string user, uint uid, uint primaryGid, IReadOnlyCollection<uint> gids, Func<string, uint?> groupIdOf)
    {
        if (domain == user) return 0;
        if (uid == 0) return -1; // group and wildcard limits never apply to root
        if (domain == "*") return 3;
        if (domain.StartsWith('%')) return -1; // maxlogins only
        if (domain.StartsWith('@'))
        {
            string g = domain[1..];
            if (g.Contains(':', StringComparison.Ordinal)) return InRange(g, primaryGid, gids, exactUsesAll: true) ? 2 : -1;
            uint? gid = groupIdOf(g);
            return gid is uint id && gids.Contains(id) ? 1 : -1;
        }
        if (domain.Contains(':', StringComparison.Ordinal)) return InRange(domain, uid, null, exactUsesAll: false) ? 2 : -1;
        return -1;
    }

    // "min:max", ":max" (exact), "min:" (at least). For gid exact matches all the user's groups count.
    private static bool InRange(string spec, uint primary, IReadOnlyCollection<uint>? all, bool exactUsesAll)
    {
        string[] parts = spec.Split(':');
        if (parts.Length != 2) return false;
        bool hasMin = uint.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out uint min);
        bool hasMax = uint.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out uint max);
        if (!hasMin && hasMax) return exactUsesAll && all is not null ? all.Contains(max) : primary == max;
        if (hasMin && !hasMax) return parts[1].Length == 0 && primary >= min;
        return hasMin && hasMax && primary >= min && primary <= max;
    }
}
