namespace PerfSecurity.Settings;

/// <summary>One <c>key = value</c> line of a sysctl configuration file.</summary>
public sealed record SysctlAssignment(string Key, string Value, string File, int Line, bool IgnoreErrors);

/// <summary>
/// The sysctl values the next boot applies, computed the way systemd-sysctl and <c>sysctl --system</c> do:
/// *.conf files from the sysctl.d directories, a file in an earlier directory masking a same-named file in
/// a later one, all files applied in lexical order of their names, /etc/sysctl.conf last; a later value wins.
/// </summary>
public sealed class SysctlConfiguration
{
    /// <summary>The sysctl.d directories in order of preference (relative to the root).</summary>
    public static readonly IReadOnlyList<string> Directories = new[]
    {
        "etc/sysctl.d", "run/sysctl.d", "usr/local/lib/sysctl.d", "usr/lib/sysctl.d", "lib/sysctl.d",
    };

    private readonly List<SysctlAssignment> _assignments;

    private SysctlConfiguration(IReadOnlyList<string> files, List<SysctlAssignment> assignments, IReadOnlyList<string> unreadable)
    {
        Files = files;
        _assignments = assignments;
        UnreadableFiles = unreadable;
    }

    /// <summary>The files in the order they are applied.</summary>
    public IReadOnlyList<string> Files { get; }
    public IReadOnlyList<SysctlAssignment> Assignments => _assignments;
    public IReadOnlyList<string> UnreadableFiles { get; }

    /// <summary>The assignment that wins for a key at the next boot, or null when no file sets it.</summary>
    public SysctlAssignment? Effective(string key)
    {
        string wanted = NormalizeKey(key);
        return _assignments.LastOrDefault(a => a.Key == wanted);
    }

    /// <summary>Every assignment of a key, in the order they are applied.</summary>
    public IReadOnlyList<SysctlAssignment> AllFor(string key)
    {
        string wanted = NormalizeKey(key);
        return _assignments.Where(a => a.Key == wanted).ToList();
    }

    /// <summary>Reads the configuration of the system whose root directory is <paramref name="root"/>.</summary>
    public static SysctlConfiguration Load(string root = "/")
    {
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string dir in Directories)
        {
            string full = Path.Combine(root, dir);
            if (!Directory.Exists(full)) continue;
            IEnumerable<string> entries;
            try { entries = Directory.EnumerateFiles(full, "*.conf"); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            foreach (string file in entries)
                byName.TryAdd(Path.GetFileName(file), file); // the earlier directory masks the later
        }

        var files = byName.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value).ToList();
        string sysctlConf = Path.Combine(root, "etc/sysctl.conf");
        if (File.Exists(sysctlConf)) files.Add(sysctlConf);

        var assignments = new List<SysctlAssignment>();
        var unreadable = new List<string>();
        foreach (string file in files)
        {
            string text;
            try { text = File.ReadAllText(file); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { unreadable.Add(file); continue; }
            assignments.AddRange(Parse(text, file));
        }
        return new SysctlConfiguration(files, assignments, unreadable);
    }

    /// <summary>
    /// Parses one file: '#' and ';' start comments, a leading '-' means "ignore errors",
    /// a trailing backslash continues a line, lines without '=' are skipped.
    /// </summary>
    public static IEnumerable<SysctlAssignment> Parse(string text, string file)
    {
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int lineNumber = i + 1;
            string line = lines[i].TrimEnd('\r');
            if (line.EndsWith('\\') && i + 1 < lines.Length)
            {
                // Joined in a builder: concatenating line by line is quadratic in a long continued line.
                var joined = new System.Text.StringBuilder(line, 0, line.Length - 1, line.Length);
                while (i + 1 < lines.Length)
                {
                    string next = lines[++i].TrimEnd('\r');
                    if (!next.EndsWith('\\') || i + 1 >= lines.Length) { joined.Append(next); break; }
                    joined.Append(next, 0, next.Length - 1);
                }
                line = joined.ToString();
            }
            line = line.Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;

            bool ignoreErrors = line[0] == '-';
            if (ignoreErrors) line = line[1..];
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) continue;
            string key = NormalizeKey(line[..eq].Trim());
            if (key.Length == 0) continue;
            yield return new SysctlAssignment(key, line[(eq + 1)..].Trim(), file, lineNumber, ignoreErrors);
        }
    }

    /// <summary>
    /// sysctl.d(5): '.' and '/' both separate; when the first separator is '/', the two are swapped
    /// (so <c>kernel/perf_event_paranoid</c> is <c>kernel.perf_event_paranoid</c>).
    /// </summary>
    public static string NormalizeKey(string key)
    {
        key = key.Trim();
        int firstSep = key.IndexOfAny(new[] { '.', '/' });
        if (firstSep >= 0 && key[firstSep] == '/')
            key = new string(key.Select(c => c == '/' ? '.' : c == '.' ? '/' : c).ToArray());
        return key;
    }
}
