using PerfSecurity.Errors;
using PerfSecurity.IO;
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
        if (location.Untrusted)
            return new PerfBinaryLocation(location.End, null); // a look at a step someone else controls: inspected as it is, never followed
        if (location.Binary is null || (location.IsScript && !File.Exists(location.Binary)))
            throw new PerfSecurityException("PerfUsersGroupTargetIsScript", FailureKind.InvalidArgument,
                $"'{location.WrapperPath ?? location.End}' is a script and the perf binary it runs could not be found. The kernel ignores file capabilities on scripts: give the real perf binary with -Path (Debian: /usr/bin/perf_<major>.<minor>; Ubuntu: /usr/lib/linux-tools/<release>/perf).", location.WrapperPath ?? location.End);
        if (!File.Exists(location.Binary))
            throw new PerfSecurityException("PerfUsersGroupPerfNotFound", FailureKind.ObjectNotFound, $"The file '{given}' does not exist.", given);
        // A FIFO or a device is refused by its type, before it is opened.
        Span<byte> head = stackalloc byte[1];
        try { BoundedFile.ReadHead(location.Binary, head, "PerfUsersGroupTarget"); }
        catch (PerfSecurityException e) when (e.Kind == FailureKind.PermissionDenied) { } // members may only execute it
        return new PerfBinaryLocation(location.Binary, location.WrapperPath);
    }
}
