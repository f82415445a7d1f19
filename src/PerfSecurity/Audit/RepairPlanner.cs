using System.Globalization;
using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.Audit;

/// <summary>
/// Turns the findings given to one Repair-PerfSecurityFinding call into one plan: each sysctl is set once (now and
/// for the next boot) to the strictest value any finding asks for, each file change is made once, and findings that
/// cannot all pass with one value are refused before anything changes.
/// </summary>
public static class RepairPlanner
{
    /// <param name="repairs">The findings to repair, judged now, with their steps.</param>
    /// <param name="present">The value a sysctl change would replace (now, or at the next boot); by default read from this host.</param>
    public static IReadOnlyList<PlannedStep> Plan(IEnumerable<RepairAssessment> repairs, Func<SysctlChange, int?>? present = null)
    {
        present ??= SysctlRepair.Present;
        var wanted = repairs.SelectMany(r => r.Steps.Select(step => (Step: step, Finding: r.Current!))).ToList();
        var plan = new List<PlannedStep>();
        // In the order first asked for; every later step with the same key folds into the first.
        foreach (var group in wanted.GroupBy(w => KeyOf(w.Step)))
        {
            var all = group.ToList();
            if (all[0].Step.Sysctl is null)
            {
                plan.Add(new PlannedStep(all[0].Step, all.Select(w => w.Finding).Distinct().ToList(), Array.Empty<Finding>()));
                continue;
            }
            int strictest = all.Max(w => w.Step.Sysctl!.Value);
            var refusing = all.Where(w => !w.Step.Sysctl!.Accepts(strictest)).ToList();
            if (refusing.Count > 0) throw Conflict(all[0].Step.Sysctl!.Key, strictest, all, refusing);
            // A profile that wants exactly a lower value (Scap 2 where 3 is set) would weaken the host: a finding is
            // input anyone may have written, so a repair only ever raises a setting or leaves it as it is.
            if (present(all[0].Step.Sysctl!) is int now && strictest < now) throw Weakens(all[0].Step.Sysctl!, now, strictest, all);
            var asking = all.Where(w => w.Step.Sysctl!.Value == strictest).ToList();
            plan.Add(new PlannedStep(asking[0].Step, asking.Select(w => w.Finding).Distinct().ToList(),
                all.Where(w => w.Step.Sysctl!.Value != strictest).Select(w => w.Finding).Distinct().ToList()));
        }
        return plan;
    }

    /// <summary>Makes one planned change; every failure comes back as PerfAuditRepairFailed naming the step's target.</summary>
    public static void Apply(PlannedStep planned)
    {
        var step = planned.Step;
        string checks = string.Join(", ", planned.AskedBy.Select(f => f.Id).Distinct());
        try { step.Apply(); }
        catch (PerfSecurityException) { throw; }
        catch (SystemCallException e)
        {
            throw PerfSecurityException.FromSystemCall("PerfAuditRepairFailed", e,
                $"Cannot repair {checks} on '{step.Target}': {Native.Errno.Describe(e.Errno)}.{(e.IsPermissionError ? " Repairs need root: run pwsh as root (for example with sudo)." : "")}",
                step.Target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PerfSecurityException("PerfAuditRepairFailed", e is UnauthorizedAccessException ? FailureKind.PermissionDenied : FailureKind.WriteError,
                $"Cannot repair {checks} on '{step.Target}': {e.Message}", step.Target, e);
        }
    }

    private static string KeyOf(RepairStep step) => step.Sysctl is { } s
        ? $"sysctl\0{s.Key}\0{(s.NextBoot ? "boot" : "now")}"
        : $"file\0{step.Target}\0{step.Action}";

    private static PerfSecurityException Weakens(SysctlChange change, int now, int value, List<(RepairStep Step, Finding Finding)> all)
    {
        string asking = string.Join(", ", all.Where(w => w.Step.Sysctl!.Value == value).Select(w => $"{w.Finding.Profile} ({w.Finding.Id})").Distinct());
        string when = change.NextBoot ? "for the next boot" : "now";
        string text = now.ToString(CultureInfo.InvariantCulture), to = value.ToString(CultureInfo.InvariantCulture);
        return new PerfSecurityException("PerfAuditRepairWeakens", FailureKind.InvalidOperation,
            $"Repairing {asking} would lower {change.Key} from {text} to {to} ({when}), and a repair never weakens a setting. Nothing was changed. " +
            $"If that profile is the one you follow, set {change.Key} to {to} yourself" +
            (change.Key == Settings.Sysctl.ParanoidKey ? $" (Set-PerfParanoid -Level {to} -Persist)." : "."), change.Key);
    }

    private static PerfSecurityException Conflict(string key, int strictest, List<(RepairStep Step, Finding Finding)> all, List<(RepairStep Step, Finding Finding)> refusing)
    {
        string Asks((RepairStep Step, Finding Finding) w) => $"{w.Finding.Profile} ({w.Finding.Id}) asks for {w.Step.Sysctl!.Value.ToString(CultureInfo.InvariantCulture)}";
        string asking = string.Join(", ", all.Where(w => w.Step.Sysctl!.Value == strictest).Select(Asks).Distinct());
        string refused = string.Join(", ", refusing.Select(w => $"{w.Finding.Profile} ({w.Finding.Id}) expects {w.Finding.Expected}").Distinct());
        return new PerfSecurityException("PerfAuditRepairConflict", FailureKind.InvalidArgument,
            $"The findings given cannot all pass with one value of {key}: {asking}, but {refused}. Nothing was changed. " +
            "Repair the findings of one profile at a time (for example: Invoke-PerfSecurityAudit -Profile Kspp | Repair-PerfSecurityFinding), " +
            "or leave out the profile you do not follow.", key);
    }
}
