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
    /// <summary>A sentence for -Verbose or a warning when a wrapper was resolved.</summary>
    public string? Note => WrapperPath is null ? null
        : $"'{WrapperPath}' is a wrapper script; the kernel ignores file capabilities on scripts, so the binary it runs for this kernel, '{Path}', is used.";
}

public static partial class PerfBinary
{
    /// <summary>
    /// Resolves a path (or the perf on PATH when null) to the regular file that capabilities must go on:
    /// symlinks to their final target, a wrapper script to the binary it runs for the running kernel.
    /// </summary>
    public static PerfBinaryLocation Locate(string? path, KernelInfo? kernel = null)
    {
        string? given = path ?? PerfProgram.FindOnPath("perf");
        if (given is null)
            throw new PerfSecurityException("PerfUsersGroupPerfNotFound", FailureKind.ObjectNotFound,
                "No 'perf' was found on PATH. Install the perf tool (Debian: linux-perf, Ubuntu: linux-tools-common and linux-tools-$(uname -r)) or give its path with -Path.", "perf");
        string full = FollowLinks(System.IO.Path.GetFullPath(given));
        if (!File.Exists(full))
            throw new PerfSecurityException("PerfUsersGroupPerfNotFound", FailureKind.ObjectNotFound, $"The file '{given}' does not exist.", given);
        if (!IsScript(full)) return new PerfBinaryLocation(full, null);

        string? real = RealBinaryOf(full, BoundedFile.ReadAllText(full, BoundedFile.TextLimit, "PerfUsersGroupTarget"), kernel ?? KernelInfo.Current);
        if (real is null)
            throw new PerfSecurityException("PerfUsersGroupTargetIsScript", FailureKind.InvalidArgument,
                $"'{full}' is a script and the perf binary it runs could not be found. The kernel ignores file capabilities on scripts: give the real perf binary with -Path (Debian: /usr/bin/perf_<major>.<minor>; Ubuntu: /usr/lib/linux-tools/<release>/perf).", full);
        return new PerfBinaryLocation(real, full);
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
    public static string? RealBinaryOf(string scriptPath, string scriptText, KernelInfo kernel)
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
            string real = FollowLinks(c);
            if (real != scriptPath && !PerfProgram.IsScriptFile(real)) return real;
        }
        return null;
    }

    /// <summary>
    /// Follows symlinks, but only those no one but root can have planted or changed: a link owned by root in a
    /// root-owned directory that others cannot write (or that is sticky). Otherwise a user who controls the
    /// directory could swap in a link to any root-owned binary and have it chgrp'ed, chmod'ed and made capable.
    /// </summary>
    private static string FollowLinks(string path)
    {
        string current = path;
        for (int hops = 0; hops < 40; hops++)
        {
            FileStatus link;
            try { link = FileSystem.Stat(current, followLinks: false); }
            catch (SystemCallException) { return current; } // missing: the caller says so
            if (!link.IsSymbolicLink) return current;
            string dir = System.IO.Path.GetDirectoryName(current) ?? "/";
            FileStatus parent;
            try { parent = FileSystem.Stat(dir, followLinks: false); }
            catch (SystemCallException) { return current; }
            bool dirSafe = parent.Uid == 0 && ((parent.Permissions & 0x12 /* 022 */) == 0 || (parent.Permissions & 0x200 /* sticky */) != 0);
            if (link.Uid != 0 || !dirSafe)
                throw new PerfSecurityException("PerfUsersGroupUntrustedLink", FailureKind.SecurityError,
                    $"'{current}' is a symbolic link that a user other than root can {(link.Uid != 0 ? $"change (it belongs to uid {link.Uid})" : $"replace (its directory '{dir}' is not root-only)")}. "
                    + "Following it could configure a file that user chose. Give the path of the real binary.", current);
            string? target = new FileInfo(current).LinkTarget;
            if (target is null) return current;
            current = System.IO.Path.GetFullPath(target, dir);
        }
        throw new PerfSecurityException("PerfUsersGroupPerfNotFound", FailureKind.ObjectNotFound,
            $"'{path}' is a chain of more than 40 symbolic links.", path);
    }

    [GeneratedRegex(@"(?<![\w/$])/[\w./+-]*/perf[\w.+-]*(?![\w/])")]
    private static partial Regex AbsolutePerfPath();
}
