using System.Globalization;
using PerfSecurity.IO;
using PerfSecurity.Native;

namespace PerfSecurity.Groups;

/// <summary>
/// Where a capability shell script may live. sudo runs it as root for every member of the group, so whoever can
/// replace it gets root: the script, its directory and every directory above must be root-owned and writable by
/// root alone, with no sticky-directory exception (SecurePath with RootOnlyDirectories), and it must not be in a
/// place users write to: a temporary directory (/tmp, /var/tmp, /dev/shm, /run/user, /run/lock) or a home directory
/// (/home, /root, and the home of every account with uid 0 or a uid from UID_MIN of /etc/login.defs, 1000 by
/// default, on: the accounts people log in as; system accounts whose home is /usr/sbin or /bin are left out).
/// </summary>
public static class ScriptLocation
{
    private static readonly string[] TemporaryDirectories = { "/tmp", "/var/tmp", "/dev/shm", "/run/user", "/run/lock" };

    /// <summary>Why <paramref name="path"/> is a place users write to (by its text, as given or walked), or null.</summary>
    public static string? UserArea(string path)
    {
        foreach (string t in TemporaryDirectories)
            if (IsUnder(path, t)) return $"'{path}' is under {t}, a temporary directory where every user may create files";
        foreach (var (home, owner) in HomeDirectories())
            if (IsUnder(path, home)) return $"'{path}' is under the home directory '{home}'{(owner is null ? "" : $" of {owner}")}";
        return null;
    }

    /// <summary>
    /// The first reason anyone but root could replace the script at <paramref name="path"/> (or make the path name
    /// another file), or null: for the audit of sudoers rules (PERF-SUDOERS-SCOPE), the same test New-PerfCapabilityShell applies.
    /// </summary>
    public static string? FindWeakness(string path)
    {
        string? area = UserArea(path);
        if (area is not null) return area;
        string? weakness = SecurePath.FindWeakness(path, PathOptions.FollowFinalLink | PathOptions.RootOnlyDirectories, out string? real);
        if (weakness is not null) return weakness;
        return real is null || real == path ? null : UserArea(real);
    }

    private static bool IsUnder(string path, string dir)
        => path == dir || path.StartsWith(dir.TrimEnd('/') + "/", StringComparison.Ordinal);

    /// <summary>The homes of login accounts (see the class summary) with each one's owner, then /home and /root.</summary>
    private static IEnumerable<(string Home, string? Owner)> HomeDirectories()
    {
        uint uidMin = UidMin();
        string[] lines;
        try { lines = File.ReadAllLines("/etc/passwd"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { lines = Array.Empty<string>(); }
        foreach (string line in lines)
        {
            string[] f = line.Split(':');
            if (f.Length < 7 || !uint.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out uint uid)) continue;
            if (uid != 0 && (uid < uidMin || uid == 65534 /* nobody */)) continue;
            string home = f[5].TrimEnd('/');
            if (home.Length == 0 || home[0] != '/') continue;
            yield return (home, f[0]);
            string real;
            try { real = FileSystem.RealPath(home); } catch (SystemCallException) { continue; }
            if (real != home && real != "/") yield return (real, f[0]);
        }
        yield return ("/home", null);
        yield return ("/root", null);
    }

    private static uint UidMin()
    {
        try
        {
            foreach (string line in File.ReadLines("/etc/login.defs"))
            {
                string[] w = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (w.Length >= 2 && w[0] == "UID_MIN" && uint.TryParse(w[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint v)) return v;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return 1000;
    }
}
