using PerfSecurity.Capabilities;
using PerfSecurity.Native;

namespace PerfSecurity.Audit;

/// <summary>Shared shape of the per-binary checks: one finding for each binary that carries capabilities.</summary>
public abstract class BinaryCheck : AuditCheck
{
    public override IEnumerable<Finding> Run(AuditContext context, AuditProfile profile)
    {
        var list = context.CapableBinaries.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            context.Progress("Checking perf binaries", $"{Id} {list[i].Path}", list.Count == 0 ? 100 : i * 100 / list.Count);
            var f = Judge(context, profile, list[i]);
            if (f is not null) yield return f;
        }
    }

    protected abstract Finding? Judge(AuditContext context, AuditProfile profile, AuditedBinary binary);

    public override RepairTargetKind TargetKind => RepairTargetKind.PerfBinary;

    /// <summary>
    /// Walks to the binary, proves on the descriptor that it is a perf binary and that the check still fails for it
    /// (<paramref name="stillFails"/>, judged on what the descriptor says), then changes it through that descriptor.
    /// </summary>
    protected static void OnPerfBinary(string path, Func<FileStatus, FileCapabilityData?, bool> stillFails, Action<FileDescriptor, FileStatus, FileCapabilityData?> change)
    {
        var (resolved, fd) = RepairTarget.OpenPerfBinary(path);
        using (resolved)
        using (fd)
        {
            FileStatus st = FileSystem.Stat(fd);
            FileCapabilityData? caps = FileCapabilities.Read(fd, resolved.RealPath);
            if (!stillFails(st, caps)) return; // repaired meanwhile: nothing to do
            change(fd, st, caps);
        }
    }
}
