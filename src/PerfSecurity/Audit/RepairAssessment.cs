
namespace PerfSecurity.Audit;

/// <summary>
/// One finding as Repair-PerfSecurityFinding judged it now. <see cref="NothingToDo"/> says why it is left alone;
/// when it is null, <see cref="Current"/> is a failure or warning that <see cref="Steps"/> repair (the check's repair,
/// worked out once, here).
/// </summary>
public sealed record RepairAssessment(AuditCheck Check, AuditProfile Profile, string? Target, Finding? Current, IReadOnlyList<RepairStep> Steps, string? NothingToDo)
{
    public string Name => $"{Check.Id} [{Profile}]{(Target is null ? "" : " " + Target)}";
}
