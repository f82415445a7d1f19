using System.Text;
using PerfSecurity.Capabilities;
using PerfSecurity.IO;

namespace PerfSecurity.Resources;

/// <summary>
/// How a user's next session gets its resource limits: pam_limits' configuration on top of the starting values,
/// and whether the process that opens the session may set them (docs/pam-limits.md).
/// </summary>
public static class SessionLimits
{
    private static readonly string[] ModuleDirectories =
    {
        "/lib/x86_64-linux-gnu/security", "/usr/lib/x86_64-linux-gnu/security", "/lib/aarch64-linux-gnu/security",
        "/usr/lib/aarch64-linux-gnu/security", "/usr/lib64/security", "/lib64/security", "/usr/lib/security", "/lib/security",
    };

    /// <summary>
    /// Whether this system's pam_limits has Debian's patch 027 (Debian, Ubuntu): every session starts from PID 1's
    /// limits (/proc/1/limits) and a refused setrlimit (EPERM) leaves the caller's limit instead of failing the
    /// session. Upstream pam_limits starts from the limits of the process that opens the session. The patched
    /// module is told by its log message for a failed setrlimit, which only Debian's patch 040 has.
    /// </summary>
    public static bool StartsFromPid1(string root = "/")
    {
        foreach (string dir in ModuleDirectories)
        {
            var node = ConfigFiles.Read(root, dir + "/pam_limits.so");
            if (node.Kind != ConfigNodeKind.Regular) continue;
            return node.Data.AsSpan().IndexOf("Could not set limit for '%s' to soft="u8) >= 0;
        }
        return false;
    }

    /// <summary>The PAM services whose session stack runs pam_limits (/etc/pam.d, following @include, include and substack).</summary>
    public static IReadOnlyList<string> ServicesApplyingLimits(string root = "/")
    {
        var services = new List<string>();
        foreach (byte[] name in ConfigFiles.List(root, "/etc/pam.d").OrderBy(n => n, Comparer<byte[]>.Create(static (a, b) => a.AsSpan().SequenceCompareTo(b))))
        {
            string service = ConfigFiles.NameOf(name);
            if (service.StartsWith("common-", StringComparison.Ordinal) || service.StartsWith('.')) continue;
            if (SessionRunsLimits(root, service, 0)) services.Add(service);
        }
        return services;
    }

    private static bool SessionRunsLimits(string root, string file, int depth)
    {
        if (depth > 10 || file.Contains('/', StringComparison.Ordinal)) return false;
        var node = ConfigFiles.Read(root, "/etc/pam.d/" + file);
        if (node.Kind != ConfigNodeKind.Regular) return false;
        foreach (string raw in Encoding.UTF8.GetString(node.Data).Split('\n'))
        {
            string line = raw.Split('#')[0].Trim();
            string[] f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 0) continue;
            if (f[0] == "@include" && f.Length > 1 && SessionRunsLimits(root, f[1], depth + 1)) return true;
            if (f[0].TrimStart('-') != "session" || f.Length < 3) continue;
            if (f[1] is "include" or "substack" && SessionRunsLimits(root, f[2], depth + 1)) return true;
            if (f.Any(x => x == "pam_limits.so" || x.EndsWith("/pam_limits.so", StringComparison.Ordinal))) return true;
        }
        return false;
    }

    /// <summary>
    /// The limit of <paramref name="item"/> (memlock or nofile) in the user's next session. <paramref name="opener"/>
    /// is the process that opens it; null means a root service (sshd, login), which may set any limit.
    /// </summary>
    public static SessionLimit Resolve(LimitsConfiguration config, string item, PamUser user, SessionOpener? opener, string root = "/")
    {
        string limitName = item == "memlock" ? ProcessLimits.MaxLockedMemory : ProcessLimits.MaxOpenFiles;
        bool fromPid1 = StartsFromPid1(root);
        var pid1 = ProcessLimits.Read(1);
        pid1.TryGetValue(limitName, out LimitPair kernel);
        string pid1Name = ProcessCapabilities.Read(1)?.Name ?? "?";
        // Without a known opener: a root service started by PID 1 holds what PID 1 gives its children.
        LimitPair openerLimit = opener?.Limits is { } ol && ol.TryGetValue(limitName, out LimitPair o) ? o : kernel;
        string openerText = opener?.Description ?? $"the service that opens the session, which inherits PID 1's limits (PID 1 is {pid1Name})";
        bool canRaise = opener?.CanRaise ?? true;

        LimitPair start = fromPid1 ? kernel : openerLimit;
        var r = config.Resolve(item, user, start, fromPid1);
        if (r.NoLimitsLine is not null)
            return new(openerLimit, $"{r.NoLimitsLine} turns pam_limits off for {user.Name}: the session keeps the limit of {openerText}");

        var target = r.Limit;
        ulong targetHard = target.Hard ?? ulong.MaxValue, openerHard = openerLimit.Hard ?? ulong.MaxValue;
        string? refused = null;
        if (targetHard > openerHard && !canRaise) refused = $"{openerText} may not raise its hard limit (no CAP_SYS_RESOURCE)";
        else if (item == "nofile" && config.NrOpen is ulong nr && targetHard > nr) refused = $"the hard limit is above fs.nr_open ({nr})";
        string startText = fromPid1
            ? $"PID 1's limit (/proc/1/limits; PID 1 is {pid1Name}), which Debian's pam_limits starts every session from"
            : $"the limit of {openerText}, which pam_limits starts from";

        string decided = r.SoftSource ?? (r.HardSource is { } h ? $"{h} (hard limit; the soft limit is {startText})" : $"no pam_limits line for {user.Name}: {startText}");
        if (r.SoftLowered) decided += $", lowered to the hard limit{(r.HardSource is { } hs && hs != r.SoftSource ? $" of {hs}" : "")} (pam_limits never sets a soft limit above the hard one)";
        if (refused is null) return new(target, decided);
        if (!fromPid1) return new(target, $"{decided}; setrlimit fails ({refused}), so pam_limits fails the session");
        return new(openerLimit, $"setrlimit fails with EPERM ({refused}) and Debian's pam_limits ignores that: the session keeps the limit of {openerText} instead of {decided}");
    }
}
