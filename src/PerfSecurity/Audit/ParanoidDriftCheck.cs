using PerfSecurity.Settings;

namespace PerfSecurity.Audit;

/// <summary>PERF-PARANOID-DRIFT: the running level differs from what the next boot applies.</summary>
public sealed class ParanoidDriftCheck : AuditCheck
{
    public override string Id => "PERF-PARANOID-DRIFT";
    public override string Title => "paranoid runtime = next boot";

    public override IEnumerable<Finding> Run(AuditContext context, AuditProfile profile)
    {
        int? level = context.ReadSysctl(Sysctl.ParanoidKey);
        if (level is null) yield break;
        var winner = context.SysctlConfig.Effective(Sysctl.ParanoidKey);
        int next = context.SysctlConfig.NextBootParanoid(context.Kernel.Flavor);
        int target = Math.Max(level.Value, next);
        yield return Make(profile, level.Value == next ? FindingStatus.Pass : FindingStatus.Fail, FindingSeverity.Medium,
            $"runtime = next boot", $"runtime {level}, next boot {next} ({winner?.File ?? "kernel default"})",
            Remediations.SetParanoid(target), "perf-security: Unprivileged users (perf_event_paranoid); sysctl.d(5) (what the next boot applies)", repairable: true);
    }

    public override IEnumerable<RepairStep> Repair(Finding finding)
    {
        int level = Sysctl.ReadInt(Sysctl.ParanoidKey) ?? 2;
        int next = SysctlConfiguration.Load().NextBootParanoid(KernelInfo.Current.Flavor);
        int target = Math.Max(level, next); // the stricter of the two: a repair never weakens
        // Any value at least as strict ends the drift, as long as runtime and next boot get the same one.
        foreach (var step in SysctlRepair.Steps(Sysctl.ParanoidKey, target, v => v >= target)) yield return step;
    }
}
