namespace PerfSecurity.Audit;

/// <summary>
/// What each standard expects of the perf sysctls (SCAP rule, kernel-hardening-checker option, Lynis test). They disagree, so every verdict is per profile.
/// </summary>
public static class ProfileRules
{
    public sealed record Rule(int[]? Accepted, int? AtLeast, int RepairTo, string Expected, string Reference, FindingSeverity Severity)
    {
        public bool Accepts(int value) => Accepted is not null ? Accepted.Contains(value) : value >= AtLeast;
    }

    private static readonly Rule ScapParanoid = new([2], null, 2, "2",
        "SSG sysctl_kernel_perf_event_paranoid (CCE-81054-9 rhel8, CCE-83959-7 rhel9); DISA RHEL-08-010376, RHEL-09-213015", FindingSeverity.Low);
    private static readonly Rule KsppParanoid = new([3], null, 3, "3",
        "kernel-hardening-checker sysctl kernel.perf_event_paranoid (cut_attack_surface, kspp)", FindingSeverity.Medium);
    private static readonly Rule LynisParanoid = new([2, 3, 4], null, 2, "2|3|4", "Lynis KRNL-6000 (kernel.perf_event_paranoid)", FindingSeverity.Low);
    private static readonly Rule GuideParanoid = new(null, 2, 2, ">= 2", "perf-security: Unprivileged users (perf_event_paranoid)", FindingSeverity.Medium);

    private static readonly Rule ScapKptr = new([1, 2], null, 1, "1|2",
        "SSG sysctl_kernel_kptr_restrict (rhel8: 1); DISA RHEL-09-213025 (1 or 2)", FindingSeverity.Medium);
    private static readonly Rule KsppKptr = new([2], null, 2, "2", "kernel-hardening-checker sysctl kernel.kptr_restrict (kspp)", FindingSeverity.Medium);
    private static readonly Rule LynisKptr = new([2], null, 2, "2", "Lynis KRNL-6000 (kernel.kptr_restrict)", FindingSeverity.Low);
    private static readonly Rule GuideKptr = new(null, 1, 1, ">= 1", "perf-security: perf_events access control (CAP_SYSLOG and /proc/kallsyms)", FindingSeverity.Low);

    public static Rule Paranoid(AuditProfile profile) => profile switch
    {
        AuditProfile.Scap => ScapParanoid,
        AuditProfile.Kspp => KsppParanoid,
        AuditProfile.Lynis => LynisParanoid,
        _ => GuideParanoid,
    };

    /// <summary>The guide's verdict on a paranoid level: 2 and above pass, 0 and 1 are a documented trade-off, -1 fails.</summary>
    public static FindingStatus ParanoidStatus(AuditProfile profile, int level)
    {
        var rule = Paranoid(profile);
        if (rule.Accepts(level)) return FindingStatus.Pass;
        if (profile == AuditProfile.PerfSecurityGuide && level >= 0) return FindingStatus.Warning;
        return FindingStatus.Fail;
    }

    public static Rule KptrRestrict(AuditProfile profile) => profile switch
    {
        AuditProfile.Scap => ScapKptr,
        AuditProfile.Kspp => KsppKptr,
        AuditProfile.Lynis => LynisKptr,
        _ => GuideKptr,
    };

    /// <summary>
    /// kptr_restrict for a profile. For the guide 0 is only a failure when perf_event_paranoid also lets everyone read
    /// kernel addresses (paranoid &lt;= 1); otherwise a warning.
    /// </summary>
    public static FindingStatus KptrStatus(AuditProfile profile, int kptr, int paranoid)
    {
        var rule = KptrRestrict(profile);
        if (rule.Accepts(kptr)) return FindingStatus.Pass;
        if (profile == AuditProfile.PerfSecurityGuide) return paranoid <= 1 ? FindingStatus.Fail : FindingStatus.Warning;
        return FindingStatus.Fail;
    }
}
