using PerfSecurity.Capabilities;

namespace PerfSecurity.Audit;

/// <summary>
/// PERF-BINARY-IPC-LOCK: perf top maps large ring buffers; without cap_ipc_lock it fails once the perf_event_mlock_kb
/// budget is used up. A warning while perf top runs, with the -m alternative.
/// </summary>
public sealed class BinaryIpcLockCheck : BinaryCheck
{
    public override string Id => "PERF-BINARY-IPC-LOCK";
    public override string Title => "perf top memory: cap_ipc_lock or -m N";

    protected override Finding? Judge(AuditContext context, AuditProfile profile, AuditedBinary binary)
    {
        var caps = binary.Capabilities!;
        var set = caps.Permitted | caps.Inheritable;
        if (!set.Contains(CapabilityTable.Perfmon) && !set.Contains(CapabilityTable.SysAdmin)) return null;
        bool hasIpcLock = set.Contains(CapabilityTable.IpcLock);
        var topPids = context.PerfTopProcesses;
        string reference = "perf-security: Privileged Perf users groups (cap_ipc_lock for perf top, or perf top -m N); Memory allocation";
        if (hasIpcLock)
            return Make(profile, FindingStatus.Pass, FindingSeverity.Low, "cap_ipc_lock, or perf top -m N", "cap_ipc_lock present", "", reference, binary.Path);
        string actual = topPids.Count == 0 ? "no cap_ipc_lock; perf top not running" : $"no cap_ipc_lock; perf top running (pid {string.Join(", ", topPids)})";
        return Make(profile, topPids.Count == 0 ? FindingStatus.Pass : FindingStatus.Warning, FindingSeverity.Low, "cap_ipc_lock, or perf top -m N", actual,
            Remediations.ShrinkPerfTopBuffers, reference, binary.Path);
    }
}
