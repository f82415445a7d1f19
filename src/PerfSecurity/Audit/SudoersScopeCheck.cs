namespace PerfSecurity.Audit;

/// <summary>PERF-SUDOERS-SCOPE: a sudoers rule that opens a capability shell is granted to a group and runs exactly the root-owned script.</summary>
public sealed class SudoersScopeCheck : AuditCheck
{
    public override string Id => "PERF-SUDOERS-SCOPE";
    public override string Title => "sudo capsh rule: group and script only";

    public override IEnumerable<Finding> Run(AuditContext context, AuditProfile profile)
    {
        const string Expected = "%group ALL=/usr/local/bin/<root-owned script>";
        const string Reference = "perf-security: Privileged Perf users groups (sudo rule %perf_users ALL=/usr/local/bin/perf.shell)";
        var rules = context.SudoersRules;
        if (rules.Count == 0)
        {
            yield return Make(profile, FindingStatus.NotApplicable, FindingSeverity.Info, Expected, "no sudoers rule runs a capsh shell", "", Reference);
            yield break;
        }
        foreach (var rule in rules)
        {
            var problems = rule.Problems().ToList();
            string actual = $"{rule.File}:{rule.Line}: {rule.Text}" + (problems.Count > 0 ? " — " + string.Join("; ", problems) : "");
            string group = rule.Groups.FirstOrDefault() ?? "perf_users";
            yield return Make(profile, problems.Count == 0 ? FindingStatus.Pass : FindingStatus.Fail, FindingSeverity.High, Expected, actual,
                Remediations.ReplaceCapabilityShell(group, rule.File), Reference, rule.File);
        }
    }
}
