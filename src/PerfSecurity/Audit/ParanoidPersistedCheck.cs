using System.Globalization;
using PerfSecurity.Settings;

namespace PerfSecurity.Audit;

/// <summary>
/// PERF-PARANOID-PERSISTED: what the next boot applies. SCAP wants every configuration line to say 2;
/// the others judge the value that wins (or the kernel's default when none is set).
/// </summary>
public sealed class ParanoidPersistedCheck : AuditCheck
{
    public override string Id => "PERF-PARANOID-PERSISTED";
    public override string Title => "perf_event_paranoid at next boot";
    public override IReadOnlyList<AuditProfile> Profiles => Audit.Profiles.All;

    public override IEnumerable<Finding> Run(AuditContext context, AuditProfile profile)
    {
        var rule = ProfileRules.Paranoid(profile);
        var all = context.SysctlConfig.AllFor(Sysctl.ParanoidKey);
        string listing = all.Count == 0 ? "not set in any sysctl file" : string.Join("; ", all.Select(a => $"{a.File}:{a.Line} = {a.Value}"));
        string remediation = Remediations.SetParanoid(rule.RepairTo);
        if (profile == AuditProfile.Scap)
        {
            var wrong = all.Where(a => a.Value != "2").ToList();
            bool pass = all.Count > 0 && wrong.Count == 0;
            if (wrong.Count > 0)
                remediation = Remediations.SetParanoidEverywhere(Id, wrong.Select(w => (w.File, w.Line)));
            yield return Make(profile, pass ? FindingStatus.Pass : FindingStatus.Fail, rule.Severity, "2 in every config line", listing,
                remediation, rule.Reference + " (OVAL: runtime and every configuration occurrence)", repairable: true);
            yield break;
        }
        var winner = context.SysctlConfig.Effective(Sysctl.ParanoidKey);
        int next = context.SysctlConfig.NextBootParanoid(context.Kernel.Flavor);
        var status = ProfileRules.ParanoidStatus(profile, next);
        string actual = winner is null ? $"{next} (kernel default; {listing})" : $"{next} ({winner.File}:{winner.Line})";
        yield return Make(profile, status, rule.Severity, rule.Expected, actual, remediation, rule.Reference, repairable: true);
    }

    public override IEnumerable<RepairStep> Repair(Finding finding)
    {
        var rule = ProfileRules.Paranoid(finding.Profile);
        string level = rule.RepairTo.ToString(CultureInfo.InvariantCulture);
        yield return SysctlRepair.Steps(Sysctl.ParanoidKey, rule.RepairTo, rule.Accepts)[1];
        if (finding.Profile != AuditProfile.Scap) yield break;
        // SCAP accepts no other value anywhere: comment the other lines out, as its own remediation does.
        foreach (var group in SysctlConfiguration.Load().AllFor(Sysctl.ParanoidKey).Where(a => a.Value != level && a.File != KernelSettings.DropInPath()).GroupBy(a => a.File))
        {
            var lines = group.Select(a => a.Line).ToArray();
            yield return new RepairStep(group.Key, $"Comment out line {string.Join(", ", lines)} ({Sysctl.ParanoidKey} = {string.Join(", ", group.Select(a => a.Value))})",
                () => SysctlFileEditor.CommentOut(group.Key, lines), RewritesSystemFile: true);
        }
    }
}
