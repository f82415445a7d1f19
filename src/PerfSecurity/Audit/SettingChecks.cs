using System.Globalization;
using PerfSecurity.IO;
using PerfSecurity.Settings;

namespace PerfSecurity.Audit;

internal static class Profiles
{
    public static readonly AuditProfile[] All = { AuditProfile.PerfSecurityGuide, AuditProfile.Scap, AuditProfile.Kspp, AuditProfile.Lynis };
}

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

/// <summary>The two steps that set a sysctl: now, and in the module's drop-in for the next boot.</summary>
internal static class SysctlRepair
{
    /// <summary>
    /// The value <paramref name="change"/> would replace: the running one, or the one the next boot applies (for
    /// perf_event_paranoid with no configuration line, the kernel's default); null when there is none.
    /// </summary>
    public static int? Present(SysctlChange change)
    {
        if (!change.NextBoot) return Sysctl.ReadInt(change.Key);
        if (SysctlConfiguration.Load().EffectiveValue(change.Key) is string v)
            return int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) ? n : null;
        return change.Key == Sysctl.ParanoidKey ? ParanoidLevel.BootDefault(KernelInfo.Current.Flavor) : null;
    }

    public static RepairStep[] Steps(string key, int value, Func<int, bool> accepts)
    {
        string text = value.ToString(CultureInfo.InvariantCulture);
        return new[]
        {
            new RepairStep(Sysctl.PathOf(key), $"Set {key} to {text} (runtime)", () => KernelSettings.SetRuntime(key, text),
                Sysctl: new SysctlChange(key, value, NextBoot: false, accepts)),
            new RepairStep(KernelSettings.DropInPath(), $"Persist {key} = {text} for the next boot", () => KernelSettings.Persist(key, text),
                Sysctl: new SysctlChange(key, value, NextBoot: true, accepts)),
        };
    }
}

/// <summary>Comments out lines of a sysctl file, keeping everything else byte for byte; atomic, owner and mode kept.</summary>
public static class SysctlFileEditor
{
    public static void CommentOut(string path, IReadOnlyCollection<int> lineNumbers)
    {
        // A link (99-sysctl.conf → ../sysctl.conf) must stay a link: edit its target.
        path = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        string text = BoundedFile.ReadAllText(path, BoundedFile.TextLimit, "PerfSysctlFile");
        string[] lines = text.Split('\n');
        foreach (int n in lineNumbers)
            if (n >= 1 && n <= lines.Length && !lines[n - 1].TrimStart().StartsWith('#')) lines[n - 1] = "# " + lines[n - 1];
        var st = Native.FileSystem.Stat(path);
        AtomicFile.Write(path, string.Join('\n', lines), "PerfSysctl", st.Permissions, st.Uid, st.Gid);
    }
}
