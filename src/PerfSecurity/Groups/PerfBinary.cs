using System.Text.RegularExpressions;
using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using PerfSecurity.IO;
using PerfSecurity.Native;
using PerfSecurity.Settings;

namespace PerfSecurity.Groups;

/// <summary>Where the perf program is, and the real binary behind a distribution's wrapper script.</summary>
public sealed record PerfBinaryLocation(string Path, string? WrapperPath)
{
    private readonly string? _lookedAt;

    /// <summary>
    /// For a look only: why someone other than root could make the path given name another file (a link, a directory
    /// or a wrapper script of theirs on the way). <see cref="Path"/> is then the path as given, so that New-PerfUsersGroup,
    /// given this object, walks that path again and refuses it, instead of changing the root-owned file a user's link led
    /// to; <see cref="LookedAt"/> is the file it names now.
    /// </summary>
    public string? Untrusted { get; init; }

    /// <summary>The file whose state is reported: <see cref="Path"/>, or where it leads now when it is <see cref="Untrusted"/>.</summary>
    public string LookedAt { get => _lookedAt ?? Path; init => _lookedAt = value; }

    /// <summary>A sentence for -Verbose or a warning when a wrapper was resolved.</summary>
    public string? Note => WrapperPath is null ? null
        : $"'{WrapperPath}' is a wrapper script; the kernel ignores file capabilities on scripts, so the binary it runs for this kernel, '{Path}', is used.";
}

public static partial class PerfBinary
{
    /// <summary>
    /// Resolves a path (or the perf on PATH when null) to the regular file that capabilities must go on:
    /// symlinks to their final target, a wrapper script to the binary it runs for the running kernel.
    /// With <paramref name="forChange"/> every path is walked by IO/SecurePath (links followed only when root's,
    /// on directories only root can change; PerfUsersGroupUntrustedPath otherwise), and a wrapper script must be
    /// root's too, since its text chooses the binary that will be changed.
    /// </summary>
    public static PerfBinaryLocation Locate(string? path, KernelInfo? kernel = null, bool forChange = false)
    {
        string? given = path ?? PerfProgram.FindOnPath("perf");
        if (given is null)
            throw new PerfSecurityException("PerfUsersGroupPerfNotFound", FailureKind.ObjectNotFound,
                "No 'perf' was found on PATH. Install the perf tool (Debian: linux-perf, Ubuntu: linux-tools-common and linux-tools-$(uname -r)) or give its path with -Path.", "perf");
        string full = FollowLinks(given, forChange);
        if (!File.Exists(full))
            throw new PerfSecurityException("PerfUsersGroupPerfNotFound", FailureKind.ObjectNotFound, $"The file '{given}' does not exist.", given);
        if (!IsScript(full)) return forChange ? new PerfBinaryLocation(full, null) : Looked(given, new PerfBinaryLocation(full, null));

        if (forChange && SecurePath.FindWeakness(full) is { } weak)
            throw new PerfSecurityException("PerfUsersGroupUntrustedPath", FailureKind.SecurityError,
                $"'{full}' is a wrapper script and {weak}: its text chooses the binary that would be changed. Give the path of the real perf binary.", full);
        string? real = RealBinaryOf(full, BoundedFile.ReadAllText(full, BoundedFile.TextLimit, "PerfUsersGroupTarget"), kernel ?? KernelInfo.Current, forChange);
        if (real is null)
            throw new PerfSecurityException("PerfUsersGroupTargetIsScript", FailureKind.InvalidArgument,
                $"'{full}' is a script and the perf binary it runs could not be found. The kernel ignores file capabilities on scripts: give the real perf binary with -Path (Debian: /usr/bin/perf_<major>.<minor>; Ubuntu: /usr/lib/linux-tools/<release>/perf).", full);
        return forChange ? new PerfBinaryLocation(real, full) : Looked(given, new PerfBinaryLocation(real, full));
    }

    /// <summary>
    /// A look follows any link (realpath), so it can report what a path names now; but when anyone other than root
    /// could have chosen that file (a link or directory on the way, the wrapper script whose text named the binary),
    /// the result keeps the path as given and says why (<see cref="PerfBinaryLocation.Untrusted"/>).
    /// </summary>
    private static PerfBinaryLocation Looked(string given, PerfBinaryLocation found)
    {
        // The walk reaching the file means only root could redirect the path; the file's own owner and mode are judged apart.
        string? ChainWeakness(string p) => SecurePath.FindWeakness(p, PathOptions.FollowFinalLink, out string? walked) is { } w && walked is null ? w : null;
        string? weak = ChainWeakness(given)
            ?? (found.WrapperPath is { } wrapper ? SecurePath.FindWeakness(wrapper) ?? ChainWeakness(found.Path) : null);
        return weak is null ? found : found with { Path = given, Untrusted = weak, LookedAt = found.Path };
    }

    /// <summary>
    /// Whether the file is a script; a FIFO, a device or a directory is refused (PerfUsersGroupTargetNotRegularFile),
    /// a file the caller may not read counts as a binary (members may only execute it).
    /// </summary>
    private static bool IsScript(string path)
    {
        Span<byte> head = stackalloc byte[2];
        try { return BoundedFile.ReadHead(path, head, "PerfUsersGroupTarget") == 2 && head[0] == '#' && head[1] == '!'; }
        catch (PerfSecurityException e) when (e.Kind == FailureKind.PermissionDenied) { return false; }
    }

    /// <summary>
    /// The binary a wrapper script runs: an absolute path to a perf program named in the script, else the
    /// Debian (perf_X.Y beside the script) and Ubuntu (/usr/lib/linux-tools/&lt;release&gt;/perf) layouts.
    /// </summary>
    public static string? RealBinaryOf(string scriptPath, string scriptText, KernelInfo kernel, bool forChange = false)
    {
        var candidates = new List<string>();
        foreach (Match m in AbsolutePerfPath().Matches(scriptText)) candidates.Add(m.Value);
        string dir = System.IO.Path.GetDirectoryName(scriptPath) ?? "/usr/bin";
        candidates.Add(System.IO.Path.Combine(dir, $"perf_{kernel.Version.Major}.{kernel.Version.Minor}"));
        candidates.Add($"/usr/bin/perf_{kernel.Version.Major}.{kernel.Version.Minor}");
        candidates.Add($"/usr/lib/linux-tools/{kernel.Release}/perf");
        candidates.Add($"/usr/lib/linux-tools-{kernel.Release}/perf");
        foreach (string c in candidates)
        {
            if (!File.Exists(c)) continue;
            string real;
            try { real = FollowLinks(c, forChange); }
            catch (PerfSecurityException) { continue; } // a candidate someone else controls is no candidate
            if (real != scriptPath && !PerfProgram.IsScriptFile(real)) return real;
        }
        return null;
    }

    /// <summary>
    /// The file a path leads to. For a change, by the walk of IO/SecurePath: links are followed only when root owns
    /// them on directories only root can change, ".." as the kernel takes it; otherwise a user who controls a
    /// directory on the way could swap in a link to any root-owned binary and have it chgrp'ed, chmod'ed and made
    /// capable (PerfUsersGroupUntrustedPath). For a look (Get-PerfUsersGroup), realpath(3); a missing file is
    /// returned as given, for the caller to report.
    /// </summary>
    private static string FollowLinks(string path, bool forChange)
    {
        if (forChange)
        {
            using var resolved = SecurePath.Resolve(path, "PerfUsersGroup", PathOptions.FollowFinalLink | PathOptions.AllowMissing);
            return resolved.RealPath;
        }
        try { return FileSystem.RealPath(path); }
        catch (SystemCallException) { return path; }
    }

    [GeneratedRegex(@"(?<![\w/$])/[\w./+-]*/perf[\w.+-]*(?![\w/])")]
    private static partial Regex AbsolutePerfPath();
}
