using System.Globalization;
using PerfSecurity.Settings;

namespace PerfSecurity.Audit;

/// <summary>PERF-PARANOID-RUNTIME: the running kernel.perf_event_paranoid against each standard.</summary>
public sealed class ParanoidRuntimeCheck : AuditCheck
{
    public override string Id => "PERF-PARANOID-RUNTIME";
    public override string Title => "perf_event_paranoid (runtime)";
    public override IReadOnlyList<AuditProfile> Profiles => Audit.Profiles.All;

    public override IEnumerable<Finding> Run(AuditContext context, AuditProfile profile)
    {
        var rule = ProfileRules.Paranoid(profile);
        int? level = context.ReadSysctl(Sysctl.ParanoidKey);
        if (level is null)
        {
            yield return Make(profile, FindingStatus.NotApplicable, rule.Severity, rule.Expected, "no perf events in this kernel", "", rule.Reference);
            yield break;
        }
        var status = ProfileRules.ParanoidStatus(profile, level.Value);
        string actual = level.Value.ToString(CultureInfo.InvariantCulture);
        if (ParanoidLevel.DeniesAll(level.Value, context.Kernel.Flavor)) actual += $" ({context.Kernel.Flavor}: denies all unprivileged use)";
        yield return Make(profile, status, rule.Severity, rule.Expected, actual, Remediations.SetParanoid(rule.RepairTo), rule.Reference, repairable: true);
    }

    public override IEnumerable<RepairStep> Repair(Finding finding)
    {
        var rule = ProfileRules.Paranoid(finding.Profile);
        foreach (var step in SysctlRepair.Steps(Sysctl.ParanoidKey, rule.RepairTo, rule.Accepts)) yield return step;
    }
}
