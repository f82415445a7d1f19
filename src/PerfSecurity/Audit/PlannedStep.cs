
namespace PerfSecurity.Audit;

/// <summary>One step of a repair plan and the findings it repairs: those that asked for exactly this change first.</summary>
public sealed record PlannedStep(RepairStep Step, IReadOnlyList<Finding> AskedBy, IReadOnlyList<Finding> AlsoRepairs)
{
    /// <summary>The step's action with the profiles behind it, as ShouldProcess shows it.</summary>
    public string Description
    {
        get
        {
            string asked = string.Join(", ", AskedBy.Select(f => f.Profile.ToString()).Distinct());
            string also = string.Join(", ", AlsoRepairs.Select(f => f.Profile.ToString()).Distinct().Where(p => !AskedBy.Any(a => a.Profile.ToString() == p)));
            string checks = string.Join(", ", AskedBy.Concat(AlsoRepairs).Select(f => f.Id).Distinct());
            return $"{Step.Action} for {checks}, asked by {asked}{(also.Length > 0 ? $"; also satisfies {also}" : "")}";
        }
    }
}
