
namespace PerfSecurity.Audit;

/// <summary>
/// One finding as Repair-PerfSecurityFinding judged it now. <see cref="NothingToDo"/> says why it is left alone;
/// when it is null, <see cref="Current"/> is a failure or warning that the plan repairs.
/// </summary>
public sealed record RepairAssessment(AuditCheck Check, AuditProfile Profile, string? Target, Finding? Current, string? NothingToDo)
{
    public string Name => $"{Check.Id} [{Profile}]{(Target is null ? "" : " " + Target)}";
}
