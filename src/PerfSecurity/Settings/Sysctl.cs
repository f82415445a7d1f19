using System.Globalization;
using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.Settings;

/// <summary>Runtime kernel settings under /proc/sys.</summary>
public static class Sysctl
{
    public const string ParanoidKey = "kernel.perf_event_paranoid";

    /// <summary>The file behind a key: dots are separators, slashes inside a component stay slashes.</summary>
    public static string PathOf(string key, string root = "/")
        => Path.Combine(root, "proc/sys", SysctlConfiguration.CanonicalKey(key));

    /// <summary>The runtime value, or null when the kernel has no such setting.</summary>
    public static string? Read(string key, string root = "/")
    {
        string path = PathOf(key, root);
        // Under -Root the file may be anything: a FIFO or a device is refused, not waited on.
        try { return IO.BoundedFile.ReadAllText(path, IO.BoundedFile.KernelValueLimit, "PerfSysctlValue").Trim(); }
        catch (PerfSecurityException e) when (e.Kind == FailureKind.ObjectNotFound) { return null; }
    }

    public static int? ReadInt(string key, string root = "/")
        => int.TryParse(Read(key, root), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : null;

    /// <summary>Writes a runtime value; the kernel's errno becomes the error (EACCES: not root, EINVAL: bad value).</summary>
    public static void Write(string key, string value)
    {
        string path = PathOf(key);
        try
        {
            FileSystem.WriteText(path, value + "\n");
        }
        catch (SystemCallException e) when (e.IsPermissionError)
        {
            throw PerfSecurityException.FromSystemCall("PerfSysctlWriteDenied", e,
                $"Cannot set {key}: writing {path} needs root. Run pwsh as root (for example with sudo).", key);
        }
        catch (SystemCallException e)
        {
            throw PerfSecurityException.FromSystemCall("PerfSysctlWriteFailed", e,
                $"The kernel refused {key} = {value}: {Errno.Describe(e.Errno)}.", key);
        }
    }

    /// <summary>The kernel.perf_* settings this kernel has, plus kernel.kptr_restrict.</summary>
    public static IReadOnlyList<string> PerfKeys(string root = "/")
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal) { "kernel.kptr_restrict" };
        string dir = Path.Combine(root, "proc/sys/kernel");
        if (Directory.Exists(dir))
        {
            foreach (string file in Directory.EnumerateFiles(dir, "perf_*"))
                keys.Add("kernel." + Path.GetFileName(file));
        }
        foreach (string known in SysctlCatalog.Known.Keys)
            if (known != "kernel.kptr_restrict" && Read(known, root) is not null) keys.Add(known);
        return keys.ToList();
    }
}
