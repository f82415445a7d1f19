using System.Management.Automation;
using PerfSecurity.Audit;
using PerfSecurity.Errors;
using PerfSecurity.Native;
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

    protected override void ProcessRecord()
    {
        string id = InputObject?.Id ?? Id!;
        AuditProfile profile = InputObject?.Profile ?? Profile;
        string? target = InputObject is not null ? InputObject.Target : Target;
        AuditCheck check;
        try { check = AuditCatalog.Get(id); }
        catch (PerfSecurityException e) { WriteFailure(e); return; }

        // Judge again now, from the id, profile and target alone: the finding may be stale, edited or forged, and a
        // repair must act on the present state of what its check covers.
        Finding? current;
        try { current = FindingRepairer.Evaluate(check, profile, target); }
        catch (PerfSecurityException e) { WriteFailure(e); return; }
        if (current is null)
        {
            WriteVerbose($"{id} [{profile}] {target}: no longer reported; nothing to repair.");
            return;
        }
        if (current.Status is FindingStatus.Pass or FindingStatus.NotApplicable)
        {
            WriteVerbose($"{id} [{profile}] {target}: {current.Status}; nothing to repair.");
            if (PassThru) WriteObject(current);
            return;
        }
        var steps = FindingRepairer.Plan(check, current);
        if (steps.Count == 0 && current.Status == FindingStatus.Warning)
        {
            // A warning is advice, not a failure: one this module cannot fix is left to the administrator, without an error.
            WriteVerbose($"{id} [{profile}] {target}: Warning, not repaired automatically ({current.Actual}). To act on it: {current.Remediation}");
            if (PassThru) WriteObject(current);
            return;
        }
        if (steps.Count == 0)
        {
            WriteFailure(new PerfSecurityException("PerfAuditNotRepairable", FailureKind.InvalidOperation,
                $"{id} [{profile}] cannot be repaired automatically ({current.Actual}). Do this instead: {current.Remediation}", target ?? id));
            return;
        }

        bool changed = false;
        foreach (var step in steps)
        {
            if (!ShouldProcess(step.Target, step.Action)) continue;
            if (step.RewritesSystemFile && !Force && !ShouldContinue(
                    $"{step.Action} in {step.Target}? This rewrites a system configuration file (the change weakens nothing).",
                    $"Repair {id}"))
                continue;
            try
            {
                step.Apply();
                changed = true;
            }
            catch (PerfSecurityException e)
            {
                WriteFailure(e);
                return;
            }
            catch (SystemCallException e)
            {
                WriteFailure(PerfSecurityException.FromSystemCall("PerfAuditRepairFailed", e,
                    $"Cannot repair {id} on '{step.Target}': {Native.Errno.Describe(e.Errno)}.{(e.IsPermissionError ? " Repairs need root: run pwsh as root (for example with sudo)." : "")}",
                    step.Target));
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                WriteFailure(new PerfSecurityException("PerfAuditRepairFailed",
                    e is UnauthorizedAccessException ? FailureKind.PermissionDenied : FailureKind.WriteError,
                    $"Cannot repair {id} on '{step.Target}': {e.Message}", step.Target, e));
                return;
            }
        }
        if (PassThru && changed)
        {
            try
            {
                if (FindingRepairer.Evaluate(check, profile, target) is { } after) WriteObject(after);
            }
            catch (PerfSecurityException e) { WriteFailure(e); }
        }
    }
}
