using PerfSecurity.Native;

namespace PerfSecurity.Audit;

/// <summary>PERF-BINARY-OTHERS-EXECUTE: a capable perf must not be executable by users outside its group (chmod o-rwx).</summary>
public sealed class BinaryOthersExecuteCheck : BinaryCheck
{
    public override string Id => "PERF-BINARY-OTHERS-EXECUTE";
    public override string Title => "capable perf not executable by others";

    protected override Finding? Judge(AuditContext context, AuditProfile profile, AuditedBinary binary)
    {
        bool bad = (binary.Status.Permissions & FileStatus.S_IRWXO) != 0;
        return Make(profile, bad ? FindingStatus.Fail : FindingStatus.Pass, FindingSeverity.High, "mode o-rwx (e.g. 0750)", $"mode {binary.ModeText}",
            Remediations.NewPerfUsersGroup(binary.Path, note: "or chmod o-rwx it"), "perf-security: Privileged Perf users groups, step 1 (chmod o-rwx perf)", binary.Path, repairable: true);
    }

    public override IEnumerable<RepairStep> Repair(Finding finding)
    {
        string path = finding.Target!;
        // chmod keeps file capabilities (only chown clears them).
        yield return new RepairStep(path, "Remove every permission of others (chmod o-rwx)",
            () => OnPerfBinary(path, (st, caps) => caps is not null && (st.Permissions & FileStatus.S_IRWXO) != 0,
                (fd, st, _) => FileSystem.FChmod(fd, st.Permissions & ~FileStatus.S_IRWXO, path)));
    }
}
