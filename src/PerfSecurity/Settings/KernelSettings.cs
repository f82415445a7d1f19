using System.Text;
using PerfSecurity.Errors;
using PerfSecurity.IO;
using PerfSecurity.Native;

namespace PerfSecurity.Settings;

/// <summary>Reads and changes the perf-related kernel settings, at runtime and for the next boot.</summary>
public static class KernelSettings
{
    /// <summary>
    /// Our drop-in. Its name sorts after the usual distribution and hardening files (10-…, 50-…, 99-sysctl.conf),
    /// so its values win under systemd-sysctl; under sysctl --system, /etc/sysctl.conf comes after every
    /// drop-in and can still override it: Set-PerfParanoid warns then.
    /// </summary>
    public const string DropInName = "99-zz-perfsecurity.conf";

    public static string DropInPath(string root = "/") => Path.Combine(root, "etc/sysctl.d", DropInName);

    /// <summary>The runtime level and what the next boot applies, under <paramref name="bootPath"/> (default: the one the system uses).</summary>
    public static ParanoidSetting GetParanoid(string root = "/", BootPath? bootPath = null)
    {
        int level = Sysctl.ReadInt(Sysctl.ParanoidKey)
            ?? throw new PerfSecurityException("PerfParanoidUnavailable", FailureKind.NotImplemented,
                "This kernel has no /proc/sys/kernel/perf_event_paranoid: it was built without perf events (CONFIG_PERF_EVENTS).");
        var detected = BootPaths.Detect(root);
        BootPathInfo path = bootPath is BootPath chosen && chosen != detected.Path
            ? new BootPathInfo(chosen, $"chosen with -BootPath ({detected.Reason.Split(':')[0]})")
            : detected;
        var config = SysctlConfiguration.Load(root, path.Path);
        var writes = config.WritesTo(Sysctl.ParanoidKey);
        KernelInfo kernel = KernelInfo.Current;
        return new ParanoidSetting(level, config.PersistedParanoid, config.NextBootParanoid(kernel.Flavor), config.Effective(Sysctl.ParanoidKey)?.File,
            writes.Select(w => $"{w.Source.File}:{w.Source.Line}").ToArray(), kernel, path, config.Problems.ToArray());
    }

    public static IEnumerable<SysctlSetting> GetSysctls(string root = "/", BootPath? bootPath = null)
    {
        var path = bootPath is BootPath chosen ? new BootPathInfo(chosen, "chosen with -BootPath") : BootPaths.Detect(root);
        var config = SysctlConfiguration.Load(root, path.Path);
        var keys = new SortedSet<string>(Sysctl.PerfKeys(), StringComparer.Ordinal);
        foreach (var a in config.Assignments)
            if (a.Key.StartsWith("kernel.perf_", StringComparison.Ordinal) && !a.IsPattern && !a.Excludes) keys.Add(a.Key);
        foreach (string key in keys)
        {
            SysctlWrite? winner = config.WritesTo(key).LastOrDefault(w => w.Accepted);
            yield return new SysctlSetting(key, Sysctl.Read(key), winner?.Result, winner?.Source.File,
                SysctlCatalog.DefaultOf(key), SysctlCatalog.Describe(key), path.Path);
        }
    }

    /// <summary>Validates a paranoid level the way this module accepts it (-1..4; the kernel itself takes any integer).</summary>
    public static void ValidateParanoidLevel(int level)
    {
        if (level < ParanoidLevel.Minimum || level > ParanoidLevel.Maximum)
            throw new PerfSecurityException("PerfParanoidLevelOutOfRange", FailureKind.InvalidArgument,
                $"Level {level} is not a perf_event_paranoid level. Use -1 (no restrictions), 0, 1, 2 (the default: user space only), 3 (Debian: deny all) or 4 (Ubuntu: deny all).",
                level);
    }

    /// <summary>Sets a runtime value; returns false when it already had that value.</summary>
    public static bool SetRuntime(string key, string value)
    {
        if (Sysctl.Read(key) == value) return false;
        Sysctl.Write(key, value);
        return true;
    }

    /// <summary>
    /// Puts <c>key = value</c> into our drop-in (created or rewritten atomically, other keys in it kept).
    /// Returns false when the file already says so.
    /// </summary>
    public static bool Persist(string key, string value, string root = "/")
    {
        key = SysctlConfiguration.NormalizeKey(key);
        string path = DropInPath(root);
        // One walk for the read and the write: the file read is the file replaced, through the same directory descriptor.
        using ResolvedPath target = SecurePath.Resolve(path, "PerfSysctl", PathOptions.AllowMissing);
        var entries = new List<KeyValuePair<string, string>>();
        if (target.Status is { } st && !st.IsRegularFile)
            throw new PerfSecurityException("PerfSysctlDropInNotFile", FailureKind.InvalidData,
                $"{path} is {BoundedFile.KindOf(st)}, not a file this module wrote. Remove it, then run the command again.", path);
        string? current = target.Exists ? target.ReadAllText(BoundedFile.TextLimit) : null;
        if (current is not null)
        {
            foreach (var a in SysctlConfiguration.Parse(current, path))
            {
                if (a.Value is null) continue;
                int i = entries.FindIndex(e => e.Key == a.Key);
                if (i >= 0) entries[i] = new(a.Key, a.Value); else entries.Add(new(a.Key, a.Value));
            }
        }
        int existing = entries.FindIndex(e => e.Key == key);
        if (existing >= 0 && entries[existing].Value == value && current == Render(entries)) return false;
        if (existing >= 0) entries[existing] = new(key, value); else entries.Add(new(key, value));

        try
        {
            AtomicFile.Write(target, Encoding.UTF8.GetBytes(Render(entries)), 0x1A4 /* 0644 */, 0, 0);
        }
        catch (SystemCallException e)
        {
            throw PerfSecurityException.FromSystemCall("PerfSysctlPersistFailed", e,
                $"Cannot write {path}: {e.Message}. {(e.IsPermissionError ? "Writing /etc/sysctl.d needs root." : "")}".TrimEnd(), path);
        }
        return true;
    }

    private static string Render(IEnumerable<KeyValuePair<string, string>> entries)
    {
        var sb = new StringBuilder();
        sb.Append("# Written by the PerfSecurity PowerShell module (Set-PerfParanoid and the audit repairs).\n");
        sb.Append("# Applied at boot by systemd-sysctl / sysctl --system; apply now with: sysctl -p /etc/sysctl.d/").Append(DropInName).Append('\n');
        foreach (var e in entries) sb.Append(e.Key).Append(" = ").Append(e.Value).Append('\n');
        return sb.ToString();
    }
}
