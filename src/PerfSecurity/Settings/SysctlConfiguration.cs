using System.Buffers;
using System.Globalization;
using System.Text;
using PerfSecurity.IO;

namespace PerfSecurity.Settings;

/// <summary>
/// The sysctl values the next boot applies, computed the way the boot path does it: systemd-sysctl 252
/// (Debian's build) or procps-ng 4.0 <c>sysctl --system</c>. Both take *.conf from /etc/sysctl.d, /run/sysctl.d,
/// /usr/local/lib/sysctl.d, /usr/lib/sysctl.d and /lib/sysctl.d, a name in an earlier directory hiding the same
/// name in a later one, in byte order of the names; they differ in hidden files, /etc/sysctl.conf, how a line
/// is read, repeated keys, patterns and exclusions (docs/boot-path.md). The kernel then parses each value
/// (<see cref="ProcInt"/>): a refused value leaves the previous one.
/// </summary>
public sealed class SysctlConfiguration
{
    private static readonly SearchValues<char> Separators = SearchValues.Create("./");

    /// <summary>The sysctl.d directories in order of precedence.</summary>
    public static readonly IReadOnlyList<string> Directories = new[]
    {
        "/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/lib/sysctl.d",
    };

    /// <summary>The file procps applies after all of sysctl.d; systemd-sysctl never reads it.</summary>
    public const string SysctlConf = "/etc/sysctl.conf";

    // systemd's LONG_LINE_MAX: a longer line ends the reading of its file.
    private const int LongLineMax = 1024 * 1024;

    private readonly List<SysctlAssignment> _assignments;

    private SysctlConfiguration(BootPath path, List<string> files, List<SysctlAssignment> assignments,
        List<string> unreadable, List<string> problems, string? blockedBy)
    {
        BootPath = path;
        Files = files;
        _assignments = assignments;
        UnreadableFiles = unreadable;
        Problems = problems;
        BlockedBy = blockedBy;
    }

    public BootPath BootPath { get; }
    /// <summary>The files in the order they are read.</summary>
    public IReadOnlyList<string> Files { get; }
    /// <summary>Every line read, in the order read.</summary>
    public IReadOnlyList<SysctlAssignment> Assignments => _assignments;
    /// <summary>Files this process cannot read (the boot, as root, can): what they set is unknown.</summary>
    public IReadOnlyList<string> UnreadableFiles { get; }
    /// <summary>What in the configuration changes or prevents what the boot applies, in sentences.</summary>
    public IReadOnlyList<string> Problems { get; }
    /// <summary>A file the boot path waits on forever (a FIFO, a device): nothing at all is applied.</summary>
    public string? BlockedBy { get; }

    /// <summary>The writes the boot path makes to <paramref name="key"/>, in order.</summary>
    public IReadOnlyList<SysctlWrite> WritesTo(string key)
    {
        if (BlockedBy is not null) return Array.Empty<SysctlWrite>();
        string k = CanonicalKey(key);
        var (min, max) = SysctlCatalog.RangeOf(NormalizeKey(key));
        var sources = BootPath == BootPath.Systemd ? SystemdWrites(k) : ProcpsWrites(k);
        return sources.Select(a => new SysctlWrite(a, Written(a, min, max))).ToList();
    }

    /// <summary>The line whose value the kernel keeps for <paramref name="key"/> at the next boot, or null when none does.</summary>
    public SysctlAssignment? Effective(string key) => WritesTo(key).LastOrDefault(w => w.Accepted)?.Source;

    /// <summary>The value the kernel keeps for <paramref name="key"/> at the next boot (decimal), or null when nothing sets it.</summary>
    public string? EffectiveValue(string key) => WritesTo(key).LastOrDefault(w => w.Accepted)?.Result;

    /// <summary>The perf_event_paranoid level a line persists for the next boot, or null when no line sets one.</summary>
    public int? PersistedParanoid => EffectiveValue(Sysctl.ParanoidKey) is string v ? int.Parse(v, CultureInfo.InvariantCulture) : null;

    /// <summary>
    /// The perf_event_paranoid level after the next boot: the persisted one, or the kernel's built-in default when no
    /// line sets one. The one place that answers this, for Get-PerfParanoid, the audit and its repairs.
    /// </summary>
    public int NextBootParanoid(KernelFlavor flavor) => PersistedParanoid ?? ParanoidLevel.BootDefault(flavor);

    /// <summary>Whether our drop-in's line is the one that decides <paramref name="key"/> at the next boot, with <paramref name="value"/>.</summary>
    public bool DropInDecides(string key, string value, string root = "/")
        => WritesTo(key).LastOrDefault(w => w.Accepted) is { } winner && winner.Result == value && winner.Source.File == KernelSettings.DropInPath(root);

    /// <summary>Every line whose write reaches <paramref name="key"/>, in the order applied (accepted or not).</summary>
    public IReadOnlyList<SysctlAssignment> AllFor(string key) => WritesTo(key).Select(w => w.Source).ToList();

    /// <summary>The lines that name <paramref name="key"/> itself (not by a pattern), exclusions included, in the order read.</summary>
    public IReadOnlyList<SysctlAssignment> LinesNaming(string key)
    {
        string k = CanonicalKey(key);
        return _assignments.Where(a => !a.IsPattern && (BootPath == BootPath.Systemd ? a.Target == k : Lexical("/proc/sys/" + a.Target) == "/proc/sys/" + k)).ToList();
    }

    private static string? Written(SysctlAssignment a, int min, int max)
    {
        // Both tools write the value and a newline; the kernel parses the bytes.
        byte[] bytes = Encoding.Latin1.GetBytes(a.RawValue + "\n");
        return ProcInt.Parse(bytes, min, max)?.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    // systemd-sysctl: an ordered map of key → line; a new value for a key moves it to the end, the same value
    // keeps the first line. An explicit key (or exclusion) keeps every pattern away from it.
    private IEnumerable<SysctlAssignment> SystemdWrites(string k)
    {
        var order = new List<SysctlAssignment>();
        var byKey = new Dictionary<string, SysctlAssignment>(StringComparer.Ordinal);
        foreach (var a in _assignments)
        {
            if (byKey.TryGetValue(a.Target, out var existing))
            {
                if (existing.RawValue == a.RawValue) continue;
                order.Remove(existing);
            }
            byKey[a.Target] = a;
            order.Add(a);
        }
        if (byKey.TryGetValue(k, out var explicitLine))
        {
            if (explicitLine.RawValue is not null && !HasDotDot(k)) yield return explicitLine;
            yield break;
        }
        foreach (var a in order)
        {
            if (a.IsPattern && a.RawValue is not null && !HasDotDot(a.Target) && SysctlGlob.Matches(a.Target, k))
                yield return a;
        }
    }

    // procps sysctl --system: every line in order; a pattern skips a key that any line names by the same path.
    private IEnumerable<SysctlAssignment> ProcpsWrites(string k)
    {
        string wanted = "/proc/sys/" + k;
        var paths = new HashSet<string>(_assignments.Select(a => "/proc/sys/" + a.Target), StringComparer.Ordinal);
        foreach (var a in _assignments)
        {
            if (a.Excludes || a.RawValue is null) continue;
            string resolved = Lexical("/proc/sys/" + a.Target);
            if (!resolved.StartsWith("/proc/sys/", StringComparison.Ordinal)) continue; // sysctl refuses paths outside /proc/sys
            if (a.IsPattern)
            {
                if (!SysctlGlob.Matches(resolved["/proc/sys/".Length..], k)) continue;
                if (paths.Contains(GlobResult(a.Target, k))) continue;
                yield return a;
            }
            else if (resolved == wanted)
            {
                yield return a;
            }
        }
    }

    /// <summary>Reads the configuration of the system whose root directory is <paramref name="root"/>.</summary>
    /// <param name="root">The root directory of the system, "/" for this one.</param>
    /// <param name="path">The boot path whose rules to follow; by default the one the system uses.</param>
    public static SysctlConfiguration Load(string root = "/", BootPath? path = null)
    {
        BootPath bootPath = path ?? BootPaths.Detect(root).Path;
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new List<byte[]>();
        var problems = new List<string>();
        var unreadable = new List<string>();
        foreach (string dir in Directories)
        {
            foreach (byte[] name in ConfigFiles.List(root, dir))
            {
                if (!name.AsSpan().EndsWith(".conf"u8)) continue;
                if (bootPath == BootPath.Systemd && name[0] == '.') continue; // systemd skips hidden files
                string key = Encoding.Latin1.GetString(name);
                if (byName.ContainsKey(key)) continue; // the earlier directory hides the later
                byName[key] = dir;
                names.Add(name);
            }
        }
        names.Sort(static (a, b) => a.AsSpan().SequenceCompareTo(b));
        var paths = names.Select(n => (Name: n, Path: byName[Encoding.Latin1.GetString(n)] + "/" + ConfigFiles.NameOf(n))).ToList();
        if (bootPath == BootPath.Procps && ConfigFiles.Read(root, SysctlConf).Kind == ConfigNodeKind.Regular)
            paths.Add((Encoding.UTF8.GetBytes("sysctl.conf"), SysctlConf)); // sysctl --system: only a regular file

        var files = new List<string>();
        var assignments = new List<SysctlAssignment>();
        string? blocked = null;
        foreach (var (name, pathInRoot) in paths)
        {
            string display = ConfigFiles.HostPath(root, pathInRoot);
            files.Add(display);
            if (!System.Text.Unicode.Utf8.IsValid(name))
            {
                unreadable.Add(display);
                problems.Add($"{display}: the name is not valid UTF-8 and was not read; what it sets is unknown.");
                continue;
            }
            var node = ConfigFiles.Read(root, pathInRoot);
            switch (node.Kind)
            {
                case ConfigNodeKind.Regular:
                    assignments.AddRange(Parse(node.Data, display, bootPath));
                    break;
                case ConfigNodeKind.Fifo:
                case ConfigNodeKind.Device:
                    blocked = display;
                    problems.Add($"{display} is {node.Problem}: {(bootPath == BootPath.Systemd ? "systemd-sysctl" : "sysctl --system")} reads every file before writing any value and waits on it forever, so the boot applies nothing from the sysctl configuration (systemd stops the unit at its timeout). Remove it.");
                    break;
                case ConfigNodeKind.Unreadable:
                case ConfigNodeKind.TooLarge:
                    unreadable.Add(display);
                    problems.Add($"{display} cannot be read here ({node.Problem}); the boot reads it, so what it sets is unknown.");
                    break;
                case ConfigNodeKind.Directory:
                    problems.Add($"{display} is a directory: it hides any file of that name in a later directory and sets nothing.");
                    break;
            }
            if (blocked is not null) break;
        }
        return new SysctlConfiguration(bootPath, files, assignments, unreadable, problems, blocked);
    }

    /// <summary>Parses one file (UTF-8 text) the way <paramref name="path"/> reads it.</summary>
    public static IReadOnlyList<SysctlAssignment> Parse(string text, string file, BootPath path = BootPath.Systemd)
        => Parse(Encoding.UTF8.GetBytes(text), file, path);

    /// <summary>Parses one file the way <paramref name="path"/> reads it.</summary>
    public static IReadOnlyList<SysctlAssignment> Parse(byte[] data, string file, BootPath path)
    {
        var result = new List<SysctlAssignment>();
        // Parsed as Latin-1 so that every byte stays one character: the tools work on bytes.
        string text = Encoding.Latin1.GetString(data);
        if (path == BootPath.Systemd)
        {
            foreach (var (number, line) in SystemdLines(text))
                if (SystemdLine(line, file, number) is { } a) result.Add(a);
        }
        else
        {
            int number = 0;
            int start = 0;
            while (start < text.Length)
            {
                int end = text.IndexOf('\n', start);
                string line = end < 0 ? text[start..] : text[start..(end + 1)];
                start = end < 0 ? text.Length : end + 1;
                number++;
                if (line.Length < 2) continue; // getline length below 2: skipped
                int nul = line.IndexOf('\0', StringComparison.Ordinal);
                if (nul >= 0) line = line[..nul]; // C strings end at NUL
                if (ProcpsLine(line, file, number) is { } a) result.Add(a);
            }
        }
        return result;
    }

    // read_line(): \n, \r, \0 and their combinations (\r\n, \n\r, ...\0) end a line; one of each kind at most.
    private static IEnumerable<(int Number, string Line)> SystemdLines(string text)
    {
        int pos = 0, number = 0;
        var sb = new StringBuilder();
        while (true)
        {
            sb.Clear();
            int count = 0, previous = 0;
            while (true)
            {
                if (sb.Length >= LongLineMax) yield break; // ENOBUFS: systemd stops reading this file
                if (pos >= text.Length) break;
                char c = text[pos];
                int eol = c switch { '\n' => 2, '\r' => 4, '\0' => 1, _ => 0 };
                if ((previous & 1) != 0 || (eol == 0 && previous != 0) || (eol != 0 && (previous & eol) != 0)) break;
                pos++;
                count++;
                if (eol != 0) { previous |= eol; continue; }
                sb.Append(c);
            }
            if (count == 0) yield break;
            yield return (++number, sb.ToString());
        }
    }

    private static SysctlAssignment? SystemdLine(string line, string file, int number)
    {
        const string Whitespace = " \t\n\r";
        string p = line.Trim(Whitespace.ToCharArray());
        if (p.Length == 0 || p[0] is '#' or ';') return null;
        bool ignore = false;
        string? value = null;
        int eq = p.IndexOf('=', StringComparison.Ordinal);
        if (eq >= 0)
        {
            if (p[0] == '-') { ignore = true; p = p[1..]; eq--; }
            value = p[(eq + 1)..].Trim(Whitespace.ToCharArray());
            p = p[..eq];
        }
        else if (p[0] == '-') p = p[1..]; // an exclusion
        else return null; // "Line is not an assignment"
        string key = SystemdNormalize(p.Trim(Whitespace.ToCharArray()));
        return new SysctlAssignment(Display(key), value is null ? null : FromLatin1(value), file, number, ignore)
        {
            IsPattern = SysctlGlob.IsPattern(key),
            Excludes = value is null,
            Target = key,
            RawValue = value,
        };
    }

    private static SysctlAssignment? ProcpsLine(string line, string file, int number)
    {
        string key = line.TrimStart(CSpace);
        if (key.Length < 2 || key[0] is '#' or ';') return null;
        string? value = null;
        bool ignore = false, exclude = false;
        int eq = key.IndexOf('=', StringComparison.Ordinal);
        if (eq < 0)
        {
            if (key[0] != '-') return null; // "invalid syntax, continuing..."
            exclude = true;
            key = RStrip(key[1..]);
        }
        else
        {
            value = RStrip(key[(eq + 1)..].TrimStart(CSpace));
            key = key[..eq];
            if (key.Length > 0 && key[0] == '-') { ignore = true; key = key[1..]; }
            key = RStrip(key);
        }
        // setting_new drops one more leading '-', then turns dots into slashes unless the first separator is a slash.
        string target = key.Length > 0 && key[0] == '-' ? key[1..] : key;
        target = SlashDot(target);
        return new SysctlAssignment(Display(Lexical("/proc/sys/" + target) is { } r && r.StartsWith("/proc/sys/", StringComparison.Ordinal) && !SysctlGlob.IsPattern(target) ? r["/proc/sys/".Length..] : target),
            value is null ? null : FromLatin1(value), file, number, ignore)
        {
            IsPattern = SysctlGlob.IsPattern(target),
            Excludes = exclude,
            Target = target,
            RawValue = value,
        };
    }

    private static readonly char[] CSpace = { ' ', '\t', '\n', '\v', '\f', '\r' };

    // procps rstrip: never removes the first character.
    private static string RStrip(string s)
    {
        int end = s.Length - 1;
        while (end > 0 && Array.IndexOf(CSpace, s[end]) >= 0) end--;
        return s.Length == 0 ? s : s[..(end + 1)];
    }

    // procps slashdot(p, '.', '/'): nothing when the first separator is a slash, else swap dots and slashes.
    private static string SlashDot(string key)
    {
        int first = key.AsSpan().IndexOfAny(Separators);
        if (first < 0 || key[first] == '/') return key;
        return Swap(key);
    }

    private static string Swap(string key) => string.Create(key.Length, key, static (span, k) =>
    {
        for (int i = 0; i < k.Length; i++) span[i] = k[i] == '.' ? '/' : k[i] == '/' ? '.' : k[i];
    });

    /// <summary>
    /// systemd's sysctl_normalize: dots and slashes swap unless the first separator is a slash, then empty and
    /// "." components go and a leading slash is dropped.
    /// </summary>
    private static string SystemdNormalize(string key)
    {
        int first = key.AsSpan().IndexOfAny(Separators);
        if (first >= 0 && key[first] == '.') key = Swap(key);
        if (key.Length == 0) return key;
        var parts = key.Split('/').Where(c => c.Length > 0 && c != ".");
        string joined = string.Join('/', parts);
        if (key[0] == '/' && joined.Length == 0) return "/";
        return joined.Length == 0 ? "." : joined;
    }

    // The path as the kernel walks it: empty and "." components dropped, ".." goes up (not above "/").
    private static string Lexical(string path)
    {
        var parts = new List<string>();
        foreach (string c in path.Split('/'))
        {
            if (c.Length == 0 || c == ".") continue;
            if (c == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(c);
        }
        return "/" + string.Join('/', parts);
    }

    // The path glob(3) returns for a pattern that matched key k: pattern components replaced by the names found.
    private static string GlobResult(string target, string k)
    {
        string[] names = k.Split('/');
        var parts = target.Split('/');
        int j = 0;
        for (int i = 0; i < parts.Length && j < names.Length; i++)
        {
            if (parts[i].Length == 0 || parts[i] == "." || parts[i] == "..") continue;
            if (SysctlGlob.IsPattern(parts[i])) parts[i] = names[j];
            j++;
        }
        return "/proc/sys/" + string.Join('/', parts);
    }

    private static bool HasDotDot(string key) => key.Split('/').Contains("..");

    private static string FromLatin1(string s) => Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(s));

    // A slash path shown with dots: kernel/perf_event_paranoid → kernel.perf_event_paranoid (a dot in a name becomes '/').
    // When the first name has a dot, the dotted form would read back differently: a leading slash keeps it a path.
    private static string Display(string slashKey)
    {
        slashKey = slashKey.Trim('/');
        int first = slashKey.AsSpan().IndexOfAny(Separators);
        return FromLatin1(first >= 0 && slashKey[first] == '.' ? "/" + slashKey : Swap(slashKey));
    }

    /// <summary>The key as systemd-sysctl names it, in slash form (kernel/perf_event_paranoid).</summary>
    public static string CanonicalKey(string key) => SystemdNormalize(key.Trim());

    /// <summary>
    /// sysctl.d(5): '.' and '/' both separate; when the first separator is '/', the two are swapped
    /// (so <c>kernel/perf_event_paranoid</c> is <c>kernel.perf_event_paranoid</c>).
    /// </summary>
    public static string NormalizeKey(string key) => Display(CanonicalKey(key));
}
