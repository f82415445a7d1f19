using System.Globalization;
using System.Text;
using PerfSecurity.IO;

namespace PerfSecurity.Resources;

/// <summary>
/// pam_limits (Linux-PAM 1.5.2, with Debian's patches): /etc/security/limits.conf, then
/// /etc/security/limits.d/*.conf in byte order (glob(3): hidden files are not matched). Each line is matched
/// in order against the user: their name or a uid range ("1000:", ":1005", "1000:2000") ranks first, then
/// "@group" or a gid range, then "*"; a line of lower rank cannot replace one of higher rank, and when the
/// soft half of a "-" line is refused its hard half is not looked at either. Debian skips group and "*"
/// lines for root. Values are read like strtoull ("1202k" is 1202, "0x10" is 0); memlock is in KiB.
/// A soft limit above the hard one is lowered to it. See docs/pam-limits.md.
/// </summary>
public sealed class LimitsConfiguration
{
    public const string MainFile = "/etc/security/limits.conf";
    public const string Directory = "/etc/security/limits.d";

    // pam_limits reads with fgets into a 1024-byte buffer: a longer line is read as several.
    private const int LineLength = 1024;

    // limits_def_names: the rank of the line that set a value; a lower number wins.
    private const int User = 0, Group = 1, AllGroup = 2, All = 3, Default = 4, Kernel = 5, None = 6;

    private const ulong Infinity = ulong.MaxValue;

    private LimitsConfiguration(List<LimitsEntry> entries, List<string> files, List<string> problems, string? blockedBy, string? failsSessions)
    {
        Entries = entries;
        Files = files;
        Problems = problems;
        BlockedBy = blockedBy;
        FailsSessions = failsSessions;
    }

    public IReadOnlyList<LimitsEntry> Entries { get; }
    /// <summary>The files in the order pam_limits reads them.</summary>
    public IReadOnlyList<string> Files { get; }
    /// <summary>What in the configuration changes or breaks sessions, in sentences.</summary>
    public IReadOnlyList<string> Problems { get; }
    /// <summary>A file pam_limits waits on forever when a session opens (a FIFO, a device).</summary>
    public string? BlockedBy { get; }
    /// <summary>Why every session that runs pam_limits fails (a missing limits.conf, a dangling link), or null.</summary>
    public string? FailsSessions { get; }

    /// <summary>The value /proc/sys/fs/nr_open had when the configuration was read: "nofile unlimited" means it.</summary>
    public ulong? NrOpen { get; private init; }

    public static LimitsConfiguration Load(string root = "/")
    {
        var files = new List<string>();
        var entries = new List<LimitsEntry>();
        var problems = new List<string>();
        string? blocked = null, fails = null;

        var paths = new List<string> { MainFile };
        var names = ConfigFiles.List(root, Directory)
            .Where(n => n[0] != '.' && n.AsSpan().EndsWith(".conf"u8)) // glob("*.conf"): no hidden files
            .ToList();
        names.Sort(static (a, b) => a.AsSpan().SequenceCompareTo(b));
        paths.AddRange(names.Select(n => Directory + "/" + ConfigFiles.NameOf(n)));

        foreach (string path in paths)
        {
            var node = ConfigFiles.Read(root, path);
            files.Add(node.Path);
            switch (node.Kind)
            {
                case ConfigNodeKind.Regular:
                    entries.AddRange(Parse(node.Data, node.Path));
                    break;
                case ConfigNodeKind.Missing:
                case ConfigNodeKind.Socket:
                    fails ??= $"pam_limits cannot open {node.Path} ({(node.Kind == ConfigNodeKind.Missing ? "missing or a dangling link" : "a socket")}), so every session that runs it fails";
                    break;
                case ConfigNodeKind.Fifo:
                case ConfigNodeKind.Device:
                    blocked ??= node.Path;
                    problems.Add($"{node.Path} is {node.Problem}: pam_limits waits on it forever when a session opens. Remove it.");
                    break;
                case ConfigNodeKind.Unreadable:
                case ConfigNodeKind.TooLarge:
                    problems.Add($"{node.Path} cannot be read here ({node.Problem}); pam_limits (as root) reads it, so the limits may differ.");
                    break;
            }
            if (fails is not null || blocked is not null) break;
        }
        if (fails is not null) problems.Add(fails + ".");
        ulong? nrOpen = null;
        var nr = ConfigFiles.Read(root, "/proc/sys/fs/nr_open");
        if (nr.Kind == ConfigNodeKind.Regular && ulong.TryParse(Encoding.ASCII.GetString(nr.Data).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong v)) nrOpen = v;
        return new LimitsConfiguration(entries, files, problems, blocked, fails) { NrOpen = nrOpen };
    }

    public static LimitsConfiguration FromEntries(IEnumerable<LimitsEntry> entries, ulong? nrOpen = null)
        => new(entries.ToList(), new List<string>(), new List<string>(), null, null) { NrOpen = nrOpen };

    /// <summary>Parses one file (UTF-8 text).</summary>
    public static IEnumerable<LimitsEntry> Parse(string text, string file) => Parse(Encoding.UTF8.GetBytes(text), file);

    /// <summary>Parses one file as pam_limits does; lines without at least two fields are dropped.</summary>
    public static IEnumerable<LimitsEntry> Parse(byte[] data, string file)
    {
        string text = Encoding.Latin1.GetString(data); // one character per byte, as the C code sees it
        int number = 0, pos = 0;
        while (pos < text.Length)
        {
            int newline = text.IndexOf('\n', pos);
            int end = newline < 0 ? text.Length : newline + 1;
            number++;
            // fgets: at most 1023 bytes a time; the rest of a long line is read as further lines.
            for (int chunk = pos; chunk < end; chunk += LineLength - 1)
            {
                string buf = text[chunk..Math.Min(end, chunk + LineLength - 1)];
                if (ParseLine(buf, file, number) is { } e) yield return e;
            }
            pos = end;
        }
    }

    private static readonly char[] CSpace = { ' ', '\t', '\n', '\v', '\f', '\r' };

    private static LimitsEntry? ParseLine(string buf, string file, int number)
    {
        int nul = buf.IndexOf('\0', StringComparison.Ordinal);
        if (nul >= 0) buf = buf[..nul];
        string line = buf.TrimStart(CSpace);
        int hash = line.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0) line = line[..hash];
        int nl = line.IndexOf('\n', StringComparison.Ordinal);
        if (nl >= 0) line = line[..nl];
        if (line.Length == 0) return null;
        string[] f = line.Split(CSpace, StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 2) return f.Length == 1 ? new LimitsEntry(Text(f[0]), "", "", "", 1, file, number) : null;
        int fields = Math.Min(f.Length, 4);
        string type = Lower(f[1]);
        string item = fields == 4 ? Lower(f[2]) : fields == 3 ? f[2] : "";
        string value = fields == 4 ? Lower(f[3]) : "";
        return new LimitsEntry(Text(f[0]), Text(type), Text(item), Text(value), fields, file, number);
    }

    // tolower in the C locale: ASCII letters only.
    private static string Lower(string s) => string.Create(s.Length, s, static (span, v) =>
    {
        for (int i = 0; i < v.Length; i++) span[i] = v[i] is >= 'A' and <= 'Z' ? (char)(v[i] + 32) : v[i];
    });

    private static string Text(string latin1) => Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(latin1));

    /// <summary>
    /// What pam_limits sets for <paramref name="item"/> (memlock, nofile) for <paramref name="user"/>, starting from
    /// <paramref name="start"/> (Debian: PID 1's limits, rank "kernel"; upstream: the calling process's, rank "none").
    /// </summary>
    public PamLimitResult Resolve(string item, PamUser user, LimitPair start, bool startIsKernel = true)
    {
        ulong soft = start.Soft ?? Infinity, hard = start.Hard ?? Infinity;
        int softRank = startIsKernel ? Kernel : None, hardRank = softRank;
        string? softSource = null, hardSource = null;
        bool root = user.Uid == 0;

        foreach (var e in Entries)
        {
            var range = UidRange.Parse(e.Domain);
            if (range.Kind == RangeKind.Error) continue; // "invalid uid range - skipped"
            string line = $"{e.File}:{e.Line}";
            if (e.Fields == 4)
            {
                int rank = -1;
                if (e.Domain == user.Name) rank = User;
                else if (e.Domain.StartsWith('@') && !root)
                {
                    rank = range.Kind switch
                    {
                        RangeKind.None => user.InGroupNamed(e.Domain[1..]) ? Group : -1,
                        RangeKind.One => user.InGroupId(range.Max) ? Group : -1,
                        RangeKind.MinMax => user.Gid <= range.Max && user.Gid >= range.Min ? Group : -1,
                        _ => user.Gid >= range.Min ? Group : -1,
                    };
                }
                else if (e.Domain.StartsWith('%') && !root)
                {
                    rank = -1; // %group applies to maxlogins only
                }
                else
                {
                    // Debian: "*" never applies to root; a uid range does, and so does an "@"/"%" range for root,
                    // which falls through to this branch and compares the uid with the group numbers.
                    rank = range.Kind switch
                    {
                        RangeKind.None => e.Domain == "*" && !root ? Default : -1,
                        RangeKind.One => user.Uid == range.Max ? User : -1,
                        RangeKind.MinMax => user.Uid <= range.Max && user.Uid >= range.Min ? User : -1,
                        _ => user.Uid >= range.Min ? User : -1,
                    };
                }
                if (rank >= 0 && e.Item == item && Value(e, item) is ulong value)
                {
                    // process_limit: a refused soft half returns before the hard half is looked at.
                    if (e.Type is "soft" or "-")
                    {
                        if (softRank < rank) continue;
                        soft = value; softRank = rank; softSource = line;
                    }
                    if (e.Type is "hard" or "-")
                    {
                        if (hardRank < rank) continue;
                        hard = value; hardRank = rank; hardSource = line;
                    }
                }
            }
            else if (e.Fields == 2 && e.Type.StartsWith('-') && NoLimits(e, range, user))
            {
                return new PamLimitResult(start, null, null, line);
            }
        }
        bool lowered = soft > hard;
        if (lowered) soft = hard;
        return new PamLimitResult(new LimitPair(soft == Infinity ? null : soft, hard == Infinity ? null : hard), softSource, hardSource, null) { SoftLowered = lowered };
    }

    // "<domain> -": no limits at all for the users it names (the "*" domain does not count).
    private static bool NoLimits(LimitsEntry e, UidRange range, PamUser user)
    {
        if (e.Domain == user.Name) return true;
        if (e.Domain.StartsWith('@'))
        {
            return range.Kind switch
            {
                RangeKind.None => user.InGroupNamed(e.Domain[1..]),
                RangeKind.One => user.InGroupId(range.Max),
                RangeKind.MinMax => user.Gid <= range.Max && user.Gid >= range.Min,
                _ => user.Gid >= range.Min,
            };
        }
        return range.Kind switch
        {
            RangeKind.None => false,
            RangeKind.One => user.Uid == range.Max,
            RangeKind.MinMax => user.Uid <= range.Max && user.Uid >= range.Min,
            _ => user.Uid >= range.Min,
        };
    }

    // The value of an rlimit line in the kernel's unit, or null when pam_limits skips the line.
    private ulong? Value(LimitsEntry e, string item)
    {
        ulong v;
        if (e.Type is not ("soft" or "hard" or "-")) return null;
        if (e.Value is "-1" or "-" or "unlimited" or "infinity") v = Infinity;
        else
        {
            var parsed = CNumber.StrToULong(e.Value);
            if (parsed.Value == 0 && parsed.Consumed == 0) return null; // "wrong limit value"
            v = parsed.Value;
        }
        switch (item)
        {
            case "memlock":
            case "fsize":
            case "data":
            case "stack":
            case "core":
            case "rss":
            case "as":
                if (v != Infinity) v = v >= Infinity / 1024 ? Infinity : v * 1024;
                break;
            case "cpu":
                if (v != Infinity) v = v >= Infinity / 60 ? Infinity : v * 60;
                break;
            case "nofile":
                // "unlimited" is fs.nr_open; when that cannot be read the value stays unlimited (and setrlimit fails).
                if (v == Infinity && NrOpen is ulong nr) v = nr;
                break;
        }
        return v;
    }

    private enum RangeKind { Error, None, One, Min, MinMax }

    // parse_uid_range: "min:max", ":n" (exactly n), "min:"; an '@' or '%' before it is skipped.
    private readonly record struct UidRange(RangeKind Kind, uint Min, uint Max)
    {
        public static UidRange Parse(string domain)
        {
            int colon = domain.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0) return new(RangeKind.None, 0, 0);
            string range = domain.Length > 0 && domain[0] is '@' or '%' ? domain[1..] : domain;
            string max = domain[(colon + 1)..];
            RangeKind kind = RangeKind.MinMax;
            uint min = 0;
            if (range.StartsWith(':')) kind = RangeKind.One;
            else
            {
                var m = CNumber.StrToULong(range);
                if (m.Overflow || m.Consumed == 0 || m.Consumed >= range.Length || range[m.Consumed] != ':') return new(RangeKind.Error, 0, 0);
                min = (uint)m.Value; // stored in a uid_t
            }
            if (max.Length == 0) return kind == RangeKind.One ? new(RangeKind.Error, 0, 0) : new(RangeKind.Min, min, 0);
            var x = CNumber.StrToULong(max);
            if (x.Overflow || x.Consumed == 0 || x.Consumed != max.Length) return new(RangeKind.Error, 0, 0);
            return kind == RangeKind.One ? new(RangeKind.One, (uint)x.Value, (uint)x.Value) : new(RangeKind.MinMax, min, (uint)x.Value);
        }
    }
}
