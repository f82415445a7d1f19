using System.Globalization;
using PerfSecurity.Settings;

namespace PerfSecurity.Audit;

/// <summary>PERF-KPTR-RESTRICT: kernel addresses in /proc/kallsyms, which perf reads for kernel symbols.</summary>
public sealed class KptrRestrictCheck : AuditCheck
{
    public const string Key = "kernel.kptr_restrict";
    public override string Id => "PERF-KPTR-RESTRICT";
    public override string Title => "kptr_restrict hides kernel addresses";
    public override IReadOnlyList<AuditProfile> Profiles => Audit.Profiles.All;

    public override IEnumerable<Finding> Run(AuditContext context, AuditProfile profile)
    {
        var rule = ProfileRules.KptrRestrict(profile);
        int? kptr = context.ReadSysctl(Key);
        if (kptr is null)
        {
            yield return Make(profile, FindingStatus.NotApplicable, rule.Severity, rule.Expected, "no kernel.kptr_restrict", "", rule.Reference);
            yield break;
        }
        int paranoid = context.ReadSysctl(Sysctl.ParanoidKey) ?? 2;
        var status = ProfileRules.KptrStatus(profile, kptr.Value, paranoid);
        string actual = kptr.Value.ToString(CultureInfo.InvariantCulture) + (kptr.Value == 0 && paranoid <= 1 ? $" (with perf_event_paranoid {paranoid}: kernel addresses visible to every user)" : "");
        yield return Make(profile, status, rule.Severity, rule.Expected, actual,
            Remediations.RepairFromAudit(Id, profile, note: $"sets {Key} = {rule.RepairTo} and persists it"),
            rule.Reference, repairable: true);
    }

    public override IEnumerable<RepairStep> Repair(Finding finding)
    {
        var rule = ProfileRules.KptrRestrict(finding.Profile);
        int value = Math.Max(rule.RepairTo, Sysctl.ReadInt(Key) ?? 0); // never lower it
        foreach (var step in SysctlRepair.Steps(Key, value, rule.Accepts)) yield return step;
    }
}
