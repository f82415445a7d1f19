using System.Globalization;
using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using PerfSecurity.Native;
using PerfSecurity.Settings;

namespace PerfSecurity.Audit;

/// <summary>
/// What the checks look at, read once per audit: settings, sysctl configuration, the perf binaries, sudoers rules,
/// perf.data files. Everything that cannot be read is remembered and reported, not thrown.
/// </summary>
public sealed class AuditContext
{
    /// <summary>Directories searched for perf binaries besides PATH.</summary>
    public static readonly IReadOnlyList<string> StandardDirectories = new[]
    {
        "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/libexec", "/opt/perf/bin",
    };

    private readonly IReadOnlyList<string>? _explicitPaths;
    private IReadOnlyList<AuditedBinary>? _binaries;
    private SysctlConfiguration? _sysctl;
    private IReadOnlyList<SudoersRule>? _sudoers;
    private IReadOnlyList<PerfDataFile>? _dataFiles;
    private PerfToolInfo? _tool;
    private bool _toolRead;
    private IReadOnlyList<int>? _perfTop;
    private readonly List<string> _unreadable = new();
    private readonly string? _perfPath;
    private readonly IReadOnlyList<string>? _libraryDirectories;

    public AuditContext(IEnumerable<string>? paths = null, IEnumerable<string>? dataPaths = null, string sudoersPath = "/etc/sudoers",
        Action<string, string, int>? progress = null, string? perfPath = null, IEnumerable<string>? libraryDirectories = null,
        string? auditLogPath = null, CancellationToken token = default)
    {
        AuditLogPath = auditLogPath ?? AuditLogFile.DefaultPath;
        _perfPath = perfPath;
        _libraryDirectories = libraryDirectories?.ToList();
        _explicitPaths = paths?.ToList();
        DataPaths = dataPaths?.ToList() ?? new List<string>();
        SudoersPath = sudoersPath;
        Progress = progress ?? ((_, _, _) => { });
        Token = token;
    }

    public IReadOnlyList<string> DataPaths { get; }
    public string SudoersPath { get; }
    /// <summary>The auditd log searched for double capability denials.</summary>
    public string AuditLogPath { get; }
    /// <summary>(activity, status, percent) for long scans; percent -1 when unknown.</summary>
    public Action<string, string, int> Progress { get; }
    public CancellationToken Token { get; }
    public KernelInfo Kernel => KernelInfo.Current;
    /// <summary>Everything the audit could not read, as "what: why".</summary>
    public IReadOnlyList<string> Unreadable => _unreadable;

    public void NoteUnreadable(string what, string why)
    {
        string line = $"{what}: {why}";
        if (!_unreadable.Contains(line)) _unreadable.Add(line);
    }

    public int? ReadSysctl(string key) => Sysctl.ReadInt(key);

    public SysctlConfiguration SysctlConfig => _sysctl ??= LoadSysctl();

    private SysctlConfiguration LoadSysctl()
    {
        var c = SysctlConfiguration.Load();
        foreach (string f in c.UnreadableFiles) NoteUnreadable(f, "permission denied; persisted values may be incomplete");
        return c;
    }

    /// <summary>The perf binaries to judge: those given with -Path, or every perf-named or perf-capable file found.</summary>
    public IReadOnlyList<AuditedBinary> Binaries => _binaries ??= FindBinaries();

    /// <summary>The binaries that carry file capabilities.</summary>
    public IEnumerable<AuditedBinary> CapableBinaries => Binaries.Where(b => b.Capabilities is not null);

    private List<AuditedBinary> FindBinaries()
    {
        var result = new List<AuditedBinary>();
        var seen = new HashSet<(ulong, ulong)>();
        if (_explicitPaths is not null)
        {
            foreach (string p in _explicitPaths)
            {
                if (Directory.Exists(p))
                {
                    foreach (string f in SafeFiles(p)) AddBinary(f, explicitly: true, result, seen);
                }
                else AddBinary(p, explicitly: true, result, seen);
            }
            return result;
        }

        var dirs = new List<string>();
        foreach (string d in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(StandardDirectories))
            if (!dirs.Contains(d)) dirs.Add(d);
        for (int i = 0; i < dirs.Count; i++)
        {
            Token.ThrowIfCancellationRequested();
            Progress("Finding perf binaries", dirs[i], i * 100 / dirs.Count);
            if (!Directory.Exists(dirs[i])) continue;
            foreach (string f in SafeFiles(dirs[i])) AddBinary(f, explicitly: false, result, seen);
        }
        Progress("Finding perf binaries", "done", 100);
        return result;
    }

    private IEnumerable<string> SafeFiles(string dir)
    {
        try { return Directory.EnumerateFiles(dir).ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            NoteUnreadable(dir, e.Message);
            return Array.Empty<string>();
        }
    }

    /// <summary>perf, perf_6.1, perf-wrapper… but not perf2bcc-style words.</summary>
    public static bool IsPerfName(string fileName)
        => fileName == "perf" || fileName.StartsWith("perf_", StringComparison.Ordinal) || fileName.StartsWith("perf-", StringComparison.Ordinal)
           || fileName.StartsWith("perf.", StringComparison.Ordinal);

    private void AddBinary(string path, bool explicitly, List<AuditedBinary> result, HashSet<(ulong, ulong)> seen)
    {
        FileStatus st;
        try { st = FileSystem.Stat(path, followLinks: false); }
        catch (SystemCallException e)
        {
            if (explicitly) NoteUnreadable(path, Errno.Describe(e.Errno));
            return;
        }
        if (!st.IsRegularFile) return; // links are judged at their target, which is found on its own
        if (!seen.Add((st.Device, st.Inode))) return;
        FileCapabilityData? caps = null;
        try { caps = FileCapabilities.Read(path, followLinks: false); }
        catch (PerfSecurityException e)
        {
            NoteUnreadable(path, e.Message);
        }
        string name = Path.GetFileName(path);
        bool perfCapable = caps is not null && (caps.Permitted | caps.Inheritable).Intersect(CapabilitySet.Of(CapabilityTable.Perfmon, CapabilityTable.SysAdmin)).Count > 0;
        if (!explicitly && !IsPerfName(name) && !perfCapable) return;
        result.Add(new AuditedBinary(path, st, caps, IO.FileEntry.IsScript(path)));
    }

    public IReadOnlyList<SudoersRule> SudoersRules => _sudoers ??= SudoersRule.Load(SudoersPath, this);

    public IReadOnlyList<PerfDataFile> DataFiles => _dataFiles ??= PerfDataFile.Scan(DataPaths, this);

    /// <summary>The perf on PATH, inspected once; null when there is none or it cannot be read.</summary>
    public PerfToolInfo? Tool
    {
        get
        {
            if (_toolRead) return _tool;
            _toolRead = true;
            string? perf = _perfPath ?? Tooling.PerfLocator.FindOnPath();
            if (perf is null) return null;
            try { _tool = Tooling.PerfTool.Inspect(perf, runVersion: false, _libraryDirectories); }
            catch (PerfSecurityException e) { NoteUnreadable(perf, e.Message); }
            return _tool;
        }
    }

    /// <summary>The processes that run "perf top" (argv[0] named perf*, first argument "top"), read from /proc once per audit.</summary>
    public IReadOnlyList<int> PerfTopProcesses => _perfTop ??= RunningPerfTop().ToList();

    private static IEnumerable<int> RunningPerfTop()
    {
        IEnumerable<string> dirs;
        try { dirs = Directory.EnumerateDirectories("/proc").ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { yield break; }
        foreach (string d in dirs)
        {
            if (!int.TryParse(Path.GetFileName(d), NumberStyles.Integer, CultureInfo.InvariantCulture, out int pid)) continue;
            // argv[0] and argv[1] are all that is needed: the head of the file is enough.
            byte[] head = new byte[4096];
            int n;
            try { n = IO.BoundedFile.ReadHead(Path.Combine(d, "cmdline"), head); }
            catch (PerfSecurityException) { continue; }
            string[] argv = System.Text.Encoding.UTF8.GetString(head, 0, n).Split('\0');
            if (argv.Length >= 2 && IsPerfName(Path.GetFileName(argv[0])) && argv[1] == "top") yield return pid;
        }
    }
}
