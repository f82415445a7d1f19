namespace PerfSecurity.Counting;

/// <summary>Finds tracefs: a tracefs mount in /proc/mounts first, then /sys/kernel/tracing, then the legacy debugfs path.</summary>
public static class Tracefs
{
    public static string? Locate(string mounts = "/proc/mounts")
    {
        try
        {
            if (File.Exists(mounts))
            {
                foreach (string line in File.ReadLines(mounts))
                {
                    string[] f = line.Split(' ');
                    if (f.Length > 2 && f[2] == "tracefs" && Directory.Exists(Path.Combine(Unescape(f[1]), "events")))
                        return Unescape(f[1]);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        foreach (string candidate in new[] { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" })
        {
            try { if (Directory.Exists(Path.Combine(candidate, "events"))) return candidate; }
            catch (UnauthorizedAccessException) { }
        }
        return null;
    }

    // /proc/mounts writes space, tab, newline and backslash as octal escapes.
    private static string Unescape(string s) => s.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal).Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);
}
