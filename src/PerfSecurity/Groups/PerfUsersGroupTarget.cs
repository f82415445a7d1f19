using PerfSecurity.Errors;
using PerfSecurity.IO;
using PerfSecurity.Native;
using PerfSecurity.Settings;
using PerfSecurity.Tooling;

namespace PerfSecurity.Groups;

/// <summary>The binary New-PerfUsersGroup changes and Get-PerfUsersGroup inspects: the file Tooling/PerfLocator says perf is.</summary>
public static class PerfUsersGroupTarget
{
    /// <summary>
    /// The regular file capabilities must go on, for a path or the perf on PATH (when null): links followed to their
    /// target, a wrapper script to the binary it runs for the running kernel, as <see cref="PerfLocator"/> decides.
    /// With <paramref name="forChange"/> every step must be root's alone (PerfUsersGroupUntrustedPath otherwise), a
    /// wrapper script too, since its text chooses the binary that will be changed. A FIFO, a device or a directory is
    /// PerfUsersGroupTargetNotRegularFile, refused before it is opened.
    /// </summary>
    public static PerfBinaryLocation Locate(string? path, KernelInfo? kernel = null, bool forChange = false)
    {
        string given = path ?? PerfLocator.FindOnPath() ?? throw PerfLocator.NotFound("PerfUsersGroupPerfNotFound");
        PerfLocation location = PerfLocator.Locate(given, kernel, forChange ? "PerfUsersGroup" : null);
        if (!forChange && (location.Untrusted || WalkWeakness(given) is not null || (location.Binary is { } b && WalkWeakness(b) is not null)))
            return Looked(given, location, kernel ?? KernelInfo.Current);
        if (location.Binary is null || (location.IsScript && !File.Exists(location.Binary)))
            throw new PerfSecurityException("PerfUsersGroupTargetIsScript", FailureKind.InvalidArgument,
                $"'{location.WrapperPath ?? location.End}' is a script and the perf binary it runs could not be found. The kernel ignores file capabilities on scripts: give the real perf binary with -Path (Debian: /usr/bin/perf_<major>.<minor>; Ubuntu: /usr/lib/linux-tools/<release>/perf).", location.WrapperPath ?? location.End);
        RequireRegularFile(location.Binary, given);
        return new PerfBinaryLocation(location.Binary, location.WrapperPath);
    }

    /// <summary>A missing file is PerfUsersGroupPerfNotFound; a FIFO or a device is refused by its type, before it is opened.</summary>
    private static void RequireRegularFile(string file, string given)
    {
        if (!File.Exists(file))
            throw new PerfSecurityException("PerfUsersGroupPerfNotFound", FailureKind.ObjectNotFound, $"The file '{given}' does not exist.", given);
        Span<byte> head = stackalloc byte[1];
        try { BoundedFile.ReadHead(file, head, "PerfUsersGroupTarget"); }
        catch (PerfSecurityException e) when (e.Kind == FailureKind.PermissionDenied) { } // members may only execute it
    }

    /// <summary>
    /// A look at a path someone other than root could redirect (a link, a directory or a wrapper script of theirs on the
    /// way): it reports the file the path names now, but keeps the path as given and says why it cannot be trusted, so
    /// that New-PerfUsersGroup, given this object, walks that path again and refuses it.
    /// </summary>
    private static PerfBinaryLocation Looked(string given, PerfLocation location, KernelInfo kernel)
    {
        string now;
        if (location.WrapperPath is { } script) now = WrapperScript.BinaryOf(script, script, kernel) ?? script;
        else
        {
            try { now = FileSystem.RealPath(given); }
            catch (SystemCallException) { now = given; }
        }
        RequireRegularFile(now, given);
        string? why = location.Untrusted ? location.Weakness ?? location.Stop : WalkWeakness(given) ?? (location.Binary is { } b ? WalkWeakness(b) : null);
        return new PerfBinaryLocation(given, null) { Untrusted = why, LookedAt = now };
    }

    /// <summary>Why someone other than root could make <paramref name="path"/> name another file (a directory or link on the way); the file's own owner and mode are judged apart.</summary>
    private static string? WalkWeakness(string path)
        => SecurePath.FindWeakness(path, PathOptions.FollowFinalLink, out string? walked) is { } weak && walked is null ? weak : null;
}
