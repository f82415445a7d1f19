using PerfSecurity.Native;

namespace PerfSecurity.Audit;

/// <summary>PERF-BINARY-WRITABLE: a capable binary writable by a non-root user can be replaced and keep its capabilities.</summary>
public sealed class BinaryWritableCheck : BinaryCheck
{
    public override string Id => "PERF-BINARY-WRITABLE";
    public override string Title => "capable perf writable only by root";

    protected override Finding? Judge(AuditContext context, AuditProfile profile, AuditedBinary binary)
    {
        bool foreignOwner = binary.Status.Uid != 0;
        bool bad = foreignOwner || (binary.Status.Permissions & FileStatus.GroupOrOtherWrite) != 0;
        string remediation = foreignOwner
            ? Remediations.RemoveCapabilities(binary.Path, "then make it root-owned and set the capabilities again")
            : Remediations.RepairFromAudit(Id, path: binary.Path, note: "chmod go-w");
        return Make(profile, bad ? FindingStatus.Fail : FindingStatus.Pass, FindingSeverity.High, "owner root, mode go-w",
            $"owner {binary.Status.Uid}, mode {binary.ModeText}", remediation, "perf-security: Privileged Perf users groups (a root-owned perf binary); capabilities(7) (File capabilities)", binary.Path,
            repairable: !foreignOwner);
    }

    public override IEnumerable<RepairStep> Repair(Finding finding)
    {
        string path = finding.Target!;
        // A binary owned by another user is not repaired (chown would clear the capabilities): the walk refuses it,
        // since its owner could replace it at any time.
        yield return new RepairStep(path, "Remove write permission of group and others (chmod go-w)",
            () => OnPerfBinary(path, (st, caps) => caps is not null && st.Uid == 0 && (st.Permissions & FileStatus.GroupOrOtherWrite) != 0,
                (fd, st, _) => FileSystem.FChmod(fd, st.Permissions & ~FileStatus.GroupOrOtherWrite, path)));
    }
}
