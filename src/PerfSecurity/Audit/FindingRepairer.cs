using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.Audit;

/// <summary>
/// Judges a finding again before Repair-PerfSecurityFinding acts on it. Only the check's id, the profile and the
/// target are taken from the input (which may be typed, edited, deserialized or forged); the verdict, and whether the
/// target is something the check covers at all, come from evaluating the check now, on this host.
/// </summary>
public static class FindingRepairer
{
    /// <summary>
    /// The check's present verdict for <paramref name="target"/>: null when the check reports nothing for it now.
    /// Throws PerfAuditTargetNotAbsolute, PerfAuditTargetNotFound or PerfAuditTargetNotCovered when the target does not
    /// fit a check that changes files.
    /// </summary>
    public static Finding? Evaluate(AuditCheck check, AuditProfile profile, string? target)
    {
        if (string.IsNullOrEmpty(target)) target = null;
        else RequireFitting(check, target);
        var context = (check.TargetKind, target) switch
        {
            (RepairTargetKind.PerfBinary, not null) => new AuditContext(paths: new[] { target }),
            (RepairTargetKind.PerfDataFile, not null) => new AuditContext(dataPaths: new[] { target }),
            _ => new AuditContext(),
        };
        var findings = check.Run(context, profile).ToList();
        // Exactly the finding asked about (a system-wide one has no target), never another one of the same check.
        // A per-file check reports a file that passes only in its summary; judged on that one file alone, the
        // summary's pass is the file's.
        return findings.FirstOrDefault(f => f.Target == target)
            ?? (target is not null ? findings.FirstOrDefault(f => f.Target is null && f.Status == FindingStatus.Pass) : null);
    }

    /// <summary>
    /// Judges the finding named by <paramref name="id"/>, <paramref name="profile"/> and <paramref name="target"/> now:
    /// either it needs repairing (and can be), or there is nothing to do and the assessment says why. Throws
    /// PerfAuditNotRepairable for a failure this module cannot fix, and the errors of <see cref="Evaluate"/>.
    /// </summary>
    public static RepairAssessment Assess(string id, AuditProfile profile, string? target)
    {
        var check = AuditCatalog.Get(id);
        var current = Evaluate(check, profile, target);
        var none = Array.Empty<RepairStep>();
        if (current is null) return new(check, profile, target, null, none, "no longer reported; nothing to repair");
        if (current.Status is FindingStatus.Pass or FindingStatus.NotApplicable) return new(check, profile, target, current, none, $"{current.Status}; nothing to repair");
        var steps = Plan(check, current);
        if (steps.Count > 0) return new(check, profile, target, current, steps, null);
        // A warning is advice, not a failure: one this module cannot fix is left to the administrator, without an error.
        if (current.Status == FindingStatus.Warning)
            return new(check, profile, target, current, none, $"Warning, not repaired automatically ({current.Actual}). To act on it: {current.Remediation}");
        throw new PerfSecurityException("PerfAuditNotRepairable", FailureKind.InvalidOperation,
            $"{id} [{profile}] cannot be repaired automatically ({current.Actual}). Do this instead: {current.Remediation}", target ?? id);
    }

    /// <summary>The steps that repair <paramref name="current"/> (a failure or warning from <see cref="Evaluate"/>).</summary>
    private static IReadOnlyList<RepairStep> Plan(AuditCheck check, Finding current)
        => current.Status is FindingStatus.Fail or FindingStatus.Warning && current.Repairable ? check.Repair(current).ToList() : Array.Empty<RepairStep>();

    private static void RequireFitting(AuditCheck check, string target)
    {
        if (check.TargetKind == RepairTargetKind.None) return;
        if (target[0] != '/')
            throw new PerfSecurityException("PerfAuditTargetNotAbsolute", FailureKind.InvalidArgument,
                $"The target '{target}' of {check.Id} is not an absolute path: give the Target of the finding as the audit wrote it.", target);

        FileStatus st;
        try { st = FileSystem.Stat(target, followLinks: false); }
        catch (SystemCallException e)
        {
            throw PerfSecurityException.FromSystemCall("PerfAuditTargetNotFound", e, $"Cannot inspect '{target}': {Errno.Describe(e.Errno)}.", target);
        }
        // A directory would be searched for files by the audit: a repair acts on the one file named, never inside it.
        if (!st.IsRegularFile)
            throw RepairTarget.NotCovered(target, "is not a regular file");
        if (check.TargetKind == RepairTargetKind.PerfBinary)
        {
            FileCapabilityData? caps;
            try { caps = FileCapabilities.Read(target, followLinks: false); }
            catch (PerfSecurityException) { caps = null; }
            if (!RepairTarget.IsPerfBinary(Path.GetFileName(target), st, caps))
                throw RepairTarget.NotCovered(target, RepairTarget.NotPerfBinary);
        }
    }
}
