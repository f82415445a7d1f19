using PerfSecurity.IO;

namespace PerfSecurity.Settings;

public static class BootPaths
{
    private static readonly string[] UnitDirectories = { "/etc/systemd/system", "/run/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system" };

    /// <summary>
    /// systemd applies sysctl.d at boot when it is PID 1 and systemd-sysctl.service exists unmasked; otherwise the
    /// procps rules are assumed. For the running system (root "/") PID 1 is asked; for an image, its /sbin/init.
    /// </summary>
    public static BootPathInfo Detect(string root = "/")
    {
        bool live = root.Trim('/').Length == 0;
        string? init = live ? LiveInit() : ImageInit(root);
        bool systemdInit = init is not null && System.IO.Path.GetFileName(init) == "systemd";
        string who = live ? $"PID 1 is {init ?? "unknown"}" : $"/sbin/init is {init ?? "missing"}";
        if (!systemdInit)
            return new(BootPath.Procps, $"{who}, not systemd: the procps rules (sysctl --system) apply");

        string? unit = null, masked = null;
        foreach (string dir in UnitDirectories)
        {
            var node = ConfigFiles.Read(root, dir + "/systemd-sysctl.service");
            if (node.Kind == ConfigNodeKind.Missing) continue;
            if (node.Kind == ConfigNodeKind.Empty) masked = node.Path;
            else unit = node.Path;
            break; // the first directory that has the unit decides (a mask in /etc hides the vendor unit)
        }
        if (unit is not null) return new(BootPath.Systemd, $"{who} and {unit} applies sysctl.d at boot");
        return new(BootPath.Procps, masked is not null
            ? $"{who} but systemd-sysctl.service is masked ({masked}): the procps rules (sysctl --system) apply"
            : $"{who} but has no systemd-sysctl.service: the procps rules (sysctl --system) apply");
    }

    /// <summary>The other boot path, for warnings about what would happen there.</summary>
    public static BootPath Other(BootPath path) => path == BootPath.Systemd ? BootPath.Procps : BootPath.Systemd;

    private static string? LiveInit()
    {
        // /proc/1/exe needs privileges; comm does not. systemd names itself "systemd" (or "init" when started as /sbin/init).
        try
        {
            string comm = File.ReadAllText("/proc/1/comm").Trim();
            if (comm != "init") return comm;
            try { return Native.FileSystem.ReadLink("/proc/1/exe"); }
            catch (Native.SystemCallException) { return Directory.Exists("/run/systemd/system") ? "systemd" : comm; }
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static string? ImageInit(string root)
    {
        // Follow /sbin/init inside the image: Debian links it to /lib/systemd/systemd.
        string path = "/sbin/init";
        for (int i = 0; i < 40; i++)
        {
            string host = ConfigFiles.HostPath(root, path);
            Native.FileStatus st;
            try { st = Native.FileSystem.Stat(host, followLinks: false); }
            catch (Native.SystemCallException) { return i > 0 ? path : null; } // a link to a missing file still names the init
            if (!st.IsSymbolicLink) return path;
            string target = Native.FileSystem.ReadLink(host);
            path = target.StartsWith('/') ? target : System.IO.Path.GetDirectoryName(path) + "/" + target;
        }
        return null;
    }
}
