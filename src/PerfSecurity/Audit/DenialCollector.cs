using System.Globalization;
using PerfSecurity.Users;

namespace PerfSecurity.Audit;

/// <summary>
/// Joins audit records into events by their stamp (time and serial), keeps those with a CAP_PERFMON or
/// CAP_SYS_ADMIN denial, and aggregates them per executable. Records of one event may be interleaved with
/// others; an event is closed by its EOE record, a "----" separator, or when no record of it came for
/// <see cref="Window"/> lines, so memory stays bounded on logs of any size.
/// </summary>
public sealed class DenialCollector
{
    public const int Window = 2000;
    private const int MaxBadSamples = 5;
    private const int Cap21 = 21, Cap38 = 38;

    private readonly DateTime? _sinceUtc;
    private readonly AccountDatabase _accounts;
    private readonly Dictionary<(DateTime, ulong), Pending> _pending = new();
    private readonly Dictionary<string, Summary> _byProcess = new(StringComparer.Ordinal);
    private long _line;

    public DenialCollector(DateTime? since, AccountDatabase accounts)
    {
        _sinceUtc = since is { } s ? (s.Kind == DateTimeKind.Utc ? s : s.ToUniversalTime()) : null;
        _accounts = accounts;
    }

    public AuditScanStatistics Statistics { get; } = new();

    /// <summary>Reads one log to its end.</summary>
    public void Read(Stream stream, string source, CancellationToken cancel = default)
    {
        using var reader = new LineReader(stream);
        while (reader.ReadLine(out bool tooLong) is { } line)
        {
            cancel.ThrowIfCancellationRequested();
            Statistics.Lines++;
            _line++;
            if (tooLong) { Bad(source, reader.LineNumber, $"longer than {LineReader.MaxLineLength} bytes"); continue; }
            switch (AuditRecordParser.Parse(line, out var record, out string? error))
            {
                case AuditRecordParser.LineKind.Bad: Bad(source, reader.LineNumber, error!); break;
                case AuditRecordParser.LineKind.Separator: FlushAll(); break;
                case AuditRecordParser.LineKind.Record: Add(record!, source); break;
            }
            if (_line % 256 == 0) FlushOlderThan(_line - Window);
        }
        FlushAll();
    }

    private void Bad(string source, long line, string why)
    {
        Statistics.BadLines++;
        if (Statistics.BadLineSamples.Count < MaxBadSamples) Statistics.BadLineSamples.Add($"{source}:{line}: {why}");
    }

    private void Add(AuditRecord r, string source)
    {
        Statistics.Records++;
        var key = (r.Time, r.Serial);
        if (!_pending.TryGetValue(key, out var p))
        {
            _pending[key] = p = new Pending(r.Time, source);
            if (_pending.Count > Statistics.PeakPendingEvents) Statistics.PeakPendingEvents = _pending.Count;
        }
        p.LastLine = _line;
        if (r.Type == "EOE") { Close(key, p); return; }
        p.Take(r, _accounts);
    }

    private void FlushOlderThan(long line)
    {
        if (_pending.Count == 0) return;
        foreach (var (key, p) in _pending.Where(kv => kv.Value.LastLine < line).ToList()) Close(key, p);
    }

    private void FlushAll()
    {
        foreach (var (key, p) in _pending.ToList()) Close(key, p);
    }

    private void Close((DateTime, ulong) key, Pending p)
    {
        _pending.Remove(key);
        Statistics.Events++;
        if (!p.Perfmon && !p.SysAdmin) return;
        if (_sinceUtc is { } since && p.Time < since) return;
        string id = p.Exe ?? "comm:" + (p.Comm ?? "?");
        if (!_byProcess.TryGetValue(id, out var s)) _byProcess[id] = s = new Summary(p.Exe);
        s.Add(p);
    }

    /// <summary>One object per executable, most denials first.</summary>
    public IEnumerable<CapabilityDenial> Results()
        => _byProcess.Values.OrderByDescending(s => s.Count).ThenBy(s => s.Exe ?? s.Comm, StringComparer.Ordinal).Select(s => s.ToDenial());

    /// <summary>The exact command that grants CAP_PERFMON alone (a comment when the log names no path).</summary>
    public static string Recommend(string? exe, string? comm)
        => exe is null ? Remediations.GrantPerfmonByName(comm ?? "?") : Remediations.GrantPerfmon(exe);

    private sealed class Pending
    {
        public Pending(DateTime time, string source) { Time = time; Source = source; }
        public DateTime Time { get; }
        public string Source { get; }
        public long LastLine;
        public string? Exe, Comm, Syscall, User, LoginUser;
        public uint? Uid;
        public bool Perfmon, SysAdmin;

        public void Take(AuditRecord r, AccountDatabase accounts)
        {
            if (r.Type == "SYSCALL")
            {
                Exe ??= r.GetText("exe");
                Comm = r.GetText("comm") ?? Comm;
                Syscall ??= SyscallName(r);
                (Uid, User) = Identity(r, "uid", "UID", accounts);
                var (_, login) = Identity(r, "auid", "AUID", accounts);
                LoginUser ??= login;
            }
            else if (r.Type == "AVC")
            {
                Comm ??= r.GetText("comm");
                int? cap = Capability(r.Get("capability"));
                string? tclass = r.Get("tclass");
                if (r.AvcDenied)
                {
                    if (r.Permissions.Contains("perfmon") && (tclass is "capability2" or "cap2_userns" || cap == Cap38)) Perfmon = true;
                    if (r.Permissions.Contains("sys_admin") && (tclass is "capability" or "cap_userns" || cap == Cap21)) SysAdmin = true;
                }
                // AppArmor reports capability denials as apparmor="DENIED" operation="capable".
                if (r.Get("apparmor") == "DENIED" && r.Get("operation") == "capable")
                {
                    string? name = r.Get("capname");
                    if (name == "perfmon" || cap == Cap38) Perfmon = true;
                    if (name == "sys_admin" || cap == Cap21) SysAdmin = true;
                }
            }
        }

        private static int? Capability(string? v)
        {
            if (v is null) return null;
            if (int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n)) return n;
            if (v.StartsWith("unknown-capability(", StringComparison.Ordinal) && int.TryParse(v.AsSpan(19).TrimEnd(')'), NumberStyles.Integer, CultureInfo.InvariantCulture, out n)) return n;
            return v switch { "perfmon" => Cap38, "sys_admin" => Cap21, _ => null };
        }

        private static (uint?, string?) Identity(AuditRecord r, string key, string enrichedKey, AccountDatabase accounts)
        {
            string? v = r.Get(key);
            if (v is null or "unset" or "4294967295" or "-1") return (null, null);
            if (uint.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out uint id))
                return (id, r.Enriched.TryGetValue(enrichedKey, out var name) ? name : accounts.UserName(id));
            return (null, v); // ausearch -i printed the name
        }

        private static string? SyscallName(AuditRecord r)
        {
            string? v = r.Get("syscall");
            if (v is null) return null;
            if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n)) return v;
            string? arch = r.Get("arch");
            return (arch, n) switch
            {
                ("c000003e", 298) or ("c00000b7", 241) or ("40000003", 336) or ("40000028", 364) => "perf_event_open",
                _ => $"syscall {n}" + (arch is null ? "" : $" (arch {arch})"),
            };
        }
    }

    private sealed class Summary
    {
        public Summary(string? exe) => Exe = exe;
        public string? Exe { get; }
        public string? Comm;
        public int Count, Perfmon, SysAdmin, Both;
        public DateTime First = DateTime.MaxValue, Last = DateTime.MinValue;
        private readonly SortedSet<uint> _uids = new();
        private readonly SortedSet<string> _users = new(StringComparer.Ordinal), _logins = new(StringComparer.Ordinal),
            _syscalls = new(StringComparer.Ordinal), _sources = new(StringComparer.Ordinal);

        public void Add(Pending p)
        {
            Count++;
            if (p.Perfmon) Perfmon++;
            if (p.SysAdmin) SysAdmin++;
            if (p.Perfmon && p.SysAdmin) Both++;
            Comm ??= p.Comm;
            if (p.Time < First) First = p.Time;
            if (p.Time > Last) Last = p.Time;
            if (p.Uid is { } u) _uids.Add(u);
            if (p.User is { } n) _users.Add(n);
            if (p.LoginUser is { } l) _logins.Add(l);
            if (p.Syscall is { } sc) _syscalls.Add(sc);
            _sources.Add(p.Source);
        }

        public CapabilityDenial ToDenial() => new(Exe, Comm, _uids.ToArray(), _users.ToArray(), _logins.ToArray(), Count, Perfmon, SysAdmin, Both,
            First.ToLocalTime(), Last.ToLocalTime(), _syscalls.ToArray(), Perfmon > 0 && SysAdmin > 0 ? Recommend(Exe, Comm) : null, _sources.ToArray());
    }
}
