using PerfSecurity.Capabilities;

namespace PerfSecurity.Audit;

/// <summary>PERF-BINARY-SYS-ADMIN: the guide discourages CAP_SYS_ADMIN for monitoring; CAP_PERFMON is the least privilege.</summary>
public sealed class BinarySysAdminCheck : BinaryCheck
{
    public override string Id => "PERF-BINARY-SYS-ADMIN";
    public override string Title => "capable perf binary has no cap_sys_admin";

    protected override Finding? Judge(AuditContext context, AuditProfile profile, AuditedBinary binary)
    {
        var caps = binary.Capabilities!;
        bool bad = HasSysAdmin(caps);
        var wanted = Without(caps);
        return Make(profile, bad ? FindingStatus.Fail : FindingStatus.Pass, FindingSeverity.High, "no cap_sys_admin (cap_perfmon instead)", binary.CapabilityText,
            Remediations.SetCapabilities(binary.Path, wanted.Permitted),
            "perf-security: perf_events access control (CAP_SYS_ADMIN is discouraged)", binary.Path, repairable: true);
    }

    private static bool HasSysAdmin(FileCapabilityData caps) => (caps.Permitted | caps.Inheritable).Contains(CapabilityTable.SysAdmin);

    /// <summary>The same capabilities without cap_sys_admin; cap_perfmon added when sys_admin was the only monitoring capability.</summary>
    public static FileCapabilityData Without(FileCapabilityData caps)
    {
        var p = caps.Permitted.Without(CapabilityTable.SysAdmin);
        var i = caps.Inheritable.Without(CapabilityTable.SysAdmin);
        if (caps.Permitted.Contains(CapabilityTable.SysAdmin)) p = p.With(CapabilityTable.Perfmon);
        return caps with { Permitted = p, Inheritable = i };
    }

    public override IEnumerable<RepairStep> Repair(Finding finding)
    {
        string path = finding.Target!;
        yield return new RepairStep(path, "Replace cap_sys_admin by cap_perfmon in the file capabilities", () =>
            OnPerfBinary(path, (_, caps) => caps is not null && HasSysAdmin(caps), (fd, _, caps) =>
            {
                // The same safety checks as Set-PerfCapability, on the descriptor already held.
                using var file = CapabilityFile.FromDescriptor(fd, path);
                file.Write(Without(caps!));
            }));
    }
}
