using PerfSecurity.Errors;
using PerfSecurity.IO;
using PerfSecurity.Native;
using PerfSecurity.Settings;

namespace PerfSecurity.Tooling;

/// <summary>
/// The one place that decides which file "perf" means, for Get-PerfCapability, New-PerfUsersGroup, Get-PerfUsersGroup,
/// the audit (its perf tool, and the perf binary Repair-PerfSecurityFinding may change) and Get-PerfToolInfo.
/// It finds perf on PATH as a shell does, follows symbolic links one at a time and wrapper scripts to the binary they
/// run (Debian's perf_X.Y, Ubuntu's linux-tools), and follows only what root alone controls: a link someone else owns,
/// or that sits in a directory someone else may change, is not followed, and neither is such a script's text, since
/// either could make "perf" name any file. A look stops there and says why; a change is refused with the caller's
/// &lt;area&gt;UntrustedPath, exactly as IO/SecurePath refuses the walk.
/// </summary>
public static class PerfLocator
{
    /// <summary>What to do when perf is not installed; every "perf not found" error says this.</summary>
    public const string InstallHint = "Install perf (Debian: linux-perf; Ubuntu: linux-tools-common and linux-tools-$(uname -r); Fedora: perf) or give its path with -Path.";

    /// <summary>The error of a caller that needs perf and found none on PATH; the ErrorId is the caller's.</summary>
    public static PerfSecurityException NotFound(string errorId)
        => new(errorId, FailureKind.ObjectNotFound, $"No executable named perf is on PATH. {InstallHint}", "perf");

    /// <summary>The first executable file called <paramref name="name"/> in PATH's directories, as the shell finds it; null when none.</summary>
    public static string? FindOnPath(string name = "perf", string? pathVariable = null)
    {
        foreach (string dir in (pathVariable ?? Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = System.IO.Path.Combine(dir, name);
            if (File.Exists(candidate) && IsExecutable(candidate)) return candidate;
        }
        return null;
    }

    private static bool IsExecutable(string path)
    {
        try { return (FileSystem.Stat(path).Permissions & FileStatus.AnyExecute) != 0; }
        catch (SystemCallException) { return false; }
    }

    /// <summary>The perf on PATH, located for a look; null when there is none.</summary>
    public static PerfLocation? Find(KernelInfo? kernel = null)
        => FindOnPath() is { } perf ? Locate(perf, kernel) : null;

    /// <summary>
    /// Follows <paramref name="path"/> to the file perf means. For a look (<paramref name="changeArea"/> null) nothing
    /// throws: the location says where and why the chain stopped. For a change, a step someone other than root controls
    /// is refused with &lt;changeArea&gt;UntrustedPath (…FileNotFound, …OpenFailed for a walk that cannot finish), and a
    /// wrapper script such a user could edit too, since its text chooses the binary that would be changed.
    /// </summary>
    public static PerfLocation Locate(string path, KernelInfo? kernel = null, string? changeArea = null)
    {
        kernel ??= KernelInfo.Current;
        if (changeArea is not null) RequireTrusted(path, changeArea);
        var chain = new List<string> { path };
        string current = path;
        string? wrapper = null, weakness = null;

        PerfLocation Stopped(string why, bool untrusted = false) => new(path, chain, wrapper, null, why, weakness ?? (untrusted ? why : null), untrusted);

        for (int depth = 0; depth < 8; depth++)
        {
            // $0 of a script is the name it was run by, before any link is followed.
            string invokedAs = current;
            // Every link on the way is a step of its own, as `ls -l` would show them one by one.
            for (int hop = 0; hop <= SecurePath.MaxLinks && LinkTarget(current) is { } next; hop++)
            {
                if (SecurePath.LinkWeakness(current) is { } w)
                {
                    if (changeArea is not null) RequireTrusted(current, changeArea);
                    weakness ??= w;
                    return Stopped($"{w}, so it is not followed", untrusted: true);
                }
                if (hop == SecurePath.MaxLinks || chain.Contains(next)) return Stopped($"'{current}' leads into a loop of symbolic links");
                chain.Add(next);
                current = next;
            }
            if (!FileEntry.IsScript(current))
            {
                if (FileEntry.Exists(current)) weakness ??= SecurePath.FindWeakness(current);
                return new PerfLocation(path, chain, wrapper, current, null, weakness);
            }

            wrapper ??= current;
            if (SecurePath.FindWeakness(current) is { } scriptWeakness)
            {
                if (changeArea is not null)
                    throw new PerfSecurityException(changeArea + "UntrustedPath", FailureKind.SecurityError,
                        $"'{current}' is a wrapper script and {scriptWeakness}: its text chooses the binary that would be changed. Give the path of the real perf binary.", current);
                weakness ??= scriptWeakness;
                return Stopped($"'{current}' is a wrapper script (the kernel ignores file capabilities on scripts) and {scriptWeakness}: the binary its text names is not followed", untrusted: true);
            }
            string? target = WrapperScript.BinaryOf(current, invokedAs, kernel);
            if (target is null || chain.Contains(target))
                return Stopped($"'{current}' is a wrapper script (the kernel ignores file capabilities on scripts) and the binary it runs could not be told");
            if (changeArea is not null) RequireTrusted(target, changeArea);
            chain.Add(target);
            current = target;
        }
        return Stopped($"'{current}' is a wrapper script that runs more wrapper scripts than are followed");
    }

    /// <summary>The walk IO/SecurePath makes for a change: links followed only when root's, on directories only root can change.</summary>
    private static void RequireTrusted(string path, string area)
    {
        using var resolved = SecurePath.Resolve(path, area, PathOptions.FollowFinalLink | PathOptions.AllowMissing);
    }

    /// <summary>The absolute path a symbolic link names (one hop), or null when <paramref name="path"/> is not a link.</summary>
    private static string? LinkTarget(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not { } target) return null;
            return System.IO.Path.GetFullPath(System.IO.Path.IsPathRooted(target) ? target : System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path) ?? "/", target));
        }
        catch (IOException) { return null; }
    }
}
