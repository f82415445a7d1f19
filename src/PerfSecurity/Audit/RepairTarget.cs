using PerfSecurity.Capabilities;
using PerfSecurity.DataFiles;
using PerfSecurity.Errors;
using PerfSecurity.IO;
using PerfSecurity.Native;
using PerfSecurity.Tooling;

namespace PerfSecurity.Audit;

/// <summary>What a finding's Target names for its check, which decides what Repair may change.</summary>
public enum RepairTargetKind
{
    /// <summary>A system-wide setting: the finding has no target.</summary>
    None,
    /// <summary>A perf binary (see <see cref="RepairTarget.IsPerfBinary"/>).</summary>
    PerfBinary,
    /// <summary>A perf.data file.</summary>
    PerfDataFile,
}

/// <summary>
/// Opens the file a repair changes and proves, on the descriptor it returns, that the file is what the check covers.
/// A finding is input, not evidence: its Target may have been typed, edited or swapped since the audit, so nothing
/// about it is trusted until it has been checked on the descriptor the change then uses.
/// </summary>
public static class RepairTarget
{
    /// <summary>
    /// A perf binary, for a repair: the file the perf resolver names (perf on PATH, or the binary its wrapper script
    /// runs, when only root can change that path), or a file named like perf (perf, perf_*, perf-*, perf.*) that holds
    /// perf's capabilities (cap_perfmon or cap_sys_admin). Any other capable file is not perf's, and Repair leaves it alone.
    /// </summary>
    public static bool IsPerfBinary(string name, FileStatus status, FileCapabilityData? capabilities)
    {
        if (ResolverNames(status)) return true;
        return AuditContext.IsPerfName(name) && capabilities is not null && HoldsPerfCapabilities(capabilities);
    }

    private static bool HoldsPerfCapabilities(FileCapabilityData c)
        => (c.Permitted | c.Inheritable).Intersect(CapabilitySet.Of(CapabilityTable.Perfmon, CapabilityTable.SysAdmin)).Count > 0;

    private static bool ResolverNames(FileStatus status)
    {
        var perf = PerfLocator.Find();
        // A PATH entry, link or script a user controls would let that user name any capable file "perf" (the binary too).
        if (perf is null || perf.Weakness is not null) return false;
        foreach (string? candidate in new[] { perf.Path, perf.Binary })
        {
            if (candidate is null) continue;
            // The binary a wrapper runs is searched on PATH as well (Debian's perf_X.Y): a user's entry there names nothing.
            if (!ReferenceEquals(candidate, perf.Path) && SecurePath.FindWeakness(candidate) is not null) continue;
            try
            {
                var st = FileSystem.Stat(candidate);
                if (st.Device == status.Device && st.Inode == status.Inode) return true;
            }
            catch (SystemCallException) { }
        }
        return false;
    }

    /// <summary>
    /// Walks <paramref name="path"/> (root-owned, root-writable directories only; see <see cref="SecurePath"/>), opens
    /// the regular file at its end and checks on that descriptor that it is a perf binary. The caller changes the file
    /// through the descriptor and nothing else.
    /// </summary>
    public static (ResolvedPath Path, FileDescriptor Fd) OpenPerfBinary(string path)
    {
        ResolvedPath resolved = SecurePath.Resolve(path, "PerfAudit");
        try
        {
            FileDescriptor fd = resolved.OpenRegularFile();
            try
            {
                FileStatus st = FileSystem.Stat(fd);
                FileCapabilityData? caps = FileCapabilities.Read(fd, resolved.RealPath);
                if (!IsPerfBinary(resolved.Name, st, caps))
                    throw NotCovered(path, NotPerfBinary);
                return (resolved, fd);
            }
            catch
            {
                fd.Dispose();
                throw;
            }
        }
        catch
        {
            resolved.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a perf.data file for a change without following a link in its last place, and checks on the descriptor
    /// that it is a regular file that starts with a perf.data magic. perf.data files live where their users write
    /// them, so the directories on the way need not be root's; whatever a user swaps in there, the change can only
    /// reach a perf.data file, which is what the check covers.
    /// </summary>
    public static FileDescriptor OpenPerfData(string path)
    {
        FileDescriptor fd;
        try { fd = FileSystem.Open(path, FileSystem.O_RDONLY | FileSystem.O_NOFOLLOW | FileSystem.O_NONBLOCK | FileSystem.O_NOCTTY); }
        catch (SystemCallException e) when (e.Errno == Errno.ELOOP)
        {
            throw NotCovered(path, "is a symbolic link; repair the perf.data file it names by that file's own path");
        }
        catch (SystemCallException e)
        {
            throw PerfSecurityException.FromSystemCall("PerfAuditOpenFailed", e, $"Cannot open '{path}': {Errno.Describe(e.Errno)}.", path);
        }
        try
        {
            if (!FileSystem.Stat(fd).IsRegularFile) throw NotCovered(path, "is not a regular file");
            if (!PerfDataFiles.HasPerfMagic(fd)) throw NotCovered(path, "is not a perf.data file (no perf.data magic at its start)");
            return fd;
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    internal const string NotPerfBinary = "is not a perf binary: it is neither the perf on PATH (or the binary its wrapper runs) nor a file named perf* that holds cap_perfmon or cap_sys_admin";

    internal static PerfSecurityException NotCovered(string path, string why)
        => new("PerfAuditTargetNotCovered", FailureKind.SecurityError,
            $"'{path}' {why}. Repair-PerfSecurityFinding changes only what its check covers; nothing was changed.", path);
}
