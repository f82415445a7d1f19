using PerfSecurity.Audit;
using Xunit;

namespace PerfSecurity.Tests.Audit;

public sealed class ProfileRulesTests
{
    // kernel-facts §13: SCAP/STIG want 2, kernel-hardening-checker 3, Lynis 2|3|4; the guide accepts 2 and above.
    [Theory]
    [InlineData(2, AuditProfile.Scap, FindingStatus.Pass)]
    [InlineData(3, AuditProfile.Scap, FindingStatus.Fail)]
    [InlineData(4, AuditProfile.Scap, FindingStatus.Fail)]
    [InlineData(1, AuditProfile.Scap, FindingStatus.Fail)]
    [InlineData(2, AuditProfile.Kspp, FindingStatus.Fail)]
    [InlineData(3, AuditProfile.Kspp, FindingStatus.Pass)]
    [InlineData(4, AuditProfile.Kspp, FindingStatus.Fail)]
    [InlineData(2, AuditProfile.Lynis, FindingStatus.Pass)]
    [InlineData(3, AuditProfile.Lynis, FindingStatus.Pass)]
    [InlineData(4, AuditProfile.Lynis, FindingStatus.Pass)]
    [InlineData(1, AuditProfile.Lynis, FindingStatus.Fail)]
    [InlineData(5, AuditProfile.Lynis, FindingStatus.Fail)]
    [InlineData(2, AuditProfile.PerfSecurityGuide, FindingStatus.Pass)]
    [InlineData(3, AuditProfile.PerfSecurityGuide, FindingStatus.Pass)]
    [InlineData(4, AuditProfile.PerfSecurityGuide, FindingStatus.Pass)]
    [InlineData(1, AuditProfile.PerfSecurityGuide, FindingStatus.Warning)]
    [InlineData(0, AuditProfile.PerfSecurityGuide, FindingStatus.Warning)]
    [InlineData(-1, AuditProfile.PerfSecurityGuide, FindingStatus.Fail)]
    public void Paranoid_verdict_per_standard(int level, AuditProfile profile, FindingStatus expected)
        => Assert.Equal(expected, ProfileRules.ParanoidStatus(profile, level));

    [Theory]
    [InlineData(AuditProfile.Scap, 2, "RHEL-08-010376")]
    [InlineData(AuditProfile.Scap, 2, "RHEL-09-213015")]
    [InlineData(AuditProfile.Scap, 2, "CCE-81054-9")]
    [InlineData(AuditProfile.Kspp, 3, "kernel-hardening-checker")]
    [InlineData(AuditProfile.Lynis, 2, "KRNL-6000")]
    public void Paranoid_rules_name_the_standard_and_repair_to_an_accepted_level(AuditProfile profile, int repairTo, string reference)
    {
        var rule = ProfileRules.Paranoid(profile);
        Assert.Equal(repairTo, rule.RepairTo);
        Assert.True(rule.Accepts(rule.RepairTo));
        Assert.Contains(reference, rule.Reference);
    }

    [Theory]
    [InlineData(AuditProfile.Scap, 0, 2, FindingStatus.Fail)]
    [InlineData(AuditProfile.Scap, 1, 2, FindingStatus.Pass)]
    [InlineData(AuditProfile.Scap, 2, 2, FindingStatus.Pass)]
    [InlineData(AuditProfile.Kspp, 1, 2, FindingStatus.Fail)]
    [InlineData(AuditProfile.Kspp, 2, 2, FindingStatus.Pass)]
    [InlineData(AuditProfile.Lynis, 1, 2, FindingStatus.Fail)]
    [InlineData(AuditProfile.PerfSecurityGuide, 0, 2, FindingStatus.Warning)]
    [InlineData(AuditProfile.PerfSecurityGuide, 0, 1, FindingStatus.Fail)]
    [InlineData(AuditProfile.PerfSecurityGuide, 1, -1, FindingStatus.Pass)]
    public void Kptr_restrict_verdict_per_standard(AuditProfile profile, int kptr, int paranoid, FindingStatus expected)
        => Assert.Equal(expected, ProfileRules.KptrStatus(profile, kptr, paranoid));

    [Fact]
    public void Every_check_has_a_unique_stable_id()
    {
        var ids = AuditCatalog.Checks.Select(c => c.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^PERF-[A-Z0-9-]+$", id));
    }
}
