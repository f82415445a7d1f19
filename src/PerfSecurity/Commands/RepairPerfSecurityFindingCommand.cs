using System.Management.Automation;
using PerfSecurity.Audit;
using PerfSecurity.Errors;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsDiagnostic.Repair, "PerfSecurityFinding", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Finding")]
[OutputType(typeof(Finding))]
public sealed class RepairPerfSecurityFindingCommand : PerfCmdlet
{
    /// <summary>A finding of Invoke-PerfSecurityAudit.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Finding")]
    public Finding? InputObject { get; set; }

    /// <summary>The check id (as in a finding's Remediation), or from findings that lost their type (remoting, JSON).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = "Id")]
    [ArgumentCompleter(typeof(AuditCheckIdCompleter))]
    public string? Id { get; set; }

    /// <summary>The profile whose verdict to repair (one profile: each sets its own target value).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = "Id")]
    [ArgumentCompleter(typeof(AuditProfileCompleter))]
    public AuditProfile Profile { get; set; } = AuditProfile.PerfSecurityGuide;

    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = "Id")]
    public string? Target { get; set; }

    /// <summary>Rewrite system files (comment out conflicting sysctl lines) without asking.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Return the finding as it stands after the repair.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    // Every finding given, judged now; the changes are planned and made once all are in (EndProcessing), so that a
    // sysctl several findings ask about is set once, to the strictest value, and a conflict stops before any change.
    private readonly List<RepairAssessment> _toRepair = new();
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    protected override void ProcessRecord()
    {
        string id = InputObject?.Id ?? Id!;
        AuditProfile profile = InputObject?.Profile ?? Profile;
        string? target = InputObject is not null ? InputObject.Target : Target;
        RepairAssessment assessment;
        // Judge again now, from the id, profile and target alone: the finding may be stale, edited or forged, and a
        // repair must act on the present state of what its check covers.
        try { assessment = FindingRepairer.Assess(id, profile, target); }
        catch (PerfSecurityException e) { WriteFailure(e); return; }
        if (assessment.NothingToDo is { } reason)
        {
            WriteVerbose($"{assessment.Name}: {reason}");
            if (PassThru && assessment.Current is not null) WriteObject(assessment.Current);
            return;
        }
        if (_seen.Add(assessment.Name)) _toRepair.Add(assessment);
    }

    protected override void EndProcessing()
    {
        if (_toRepair.Count == 0) return;
        IReadOnlyList<PlannedStep> plan;
        try { plan = RepairPlanner.Plan(_toRepair); }
        catch (PerfSecurityException e) { WriteFailure(e); return; }

        var changed = new HashSet<Finding>();
        foreach (var planned in plan)
        {
            var step = planned.Step;
            if (!ShouldProcess(step.Target, planned.Description)) continue;
            if (step.RewritesSystemFile && !Force && !ShouldContinue(
                    $"{step.Action} in {step.Target}? This rewrites a system configuration file (the change weakens nothing).",
                    $"Repair {string.Join(", ", planned.AskedBy.Select(f => f.Id).Distinct())}"))
                continue;
            try { RepairPlanner.Apply(planned); }
            catch (PerfSecurityException e) { WriteFailure(e); return; }
            changed.UnionWith(planned.AskedBy.Concat(planned.AlsoRepairs));
        }
        if (!PassThru) return;
        foreach (var a in _toRepair.Where(a => changed.Contains(a.Current!)))
        {
            try
            {
                if (FindingRepairer.Evaluate(a.Check, a.Profile, a.Target) is { } after) WriteObject(after);
            }
            catch (PerfSecurityException e) { WriteFailure(e); }
        }
    }
}
