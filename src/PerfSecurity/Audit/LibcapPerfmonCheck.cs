namespace PerfSecurity.Audit;

/// <summary>PERF-LIBCAP-PERFMON: a perf linked against a libcap older than 2.36 does not recognise CAP_PERFMON.</summary>
public sealed class LibcapPerfmonCheck : AuditCheck
{
    public override string Id => "PERF-LIBCAP-PERFMON";
    public override string Title => "perf's libcap knows cap_perfmon";

    public override IEnumerable<Finding> Run(AuditContext context, AuditProfile profile)
    {
        const string Reference = "perf-security: Privileged Perf users groups (libcap without cap_perfmon: use 38 and perf top -e cycles); capabilities(7) (CAP_PERFMON, since Linux 5.8)";
        var tool = context.Tool;
        if (tool is null)
        {
            yield return Make(profile, FindingStatus.NotApplicable, FindingSeverity.Medium, "libcap >= 2.36", "no perf on PATH", "", Reference);
            yield break;
        }
        string libcap = tool.LibcapVersion is null ? "no libcap.so.2 found" : $"libcap {tool.LibcapVersion}";
        if (tool.LinksLibcap != true)
        {
            yield return Make(profile, FindingStatus.Pass, FindingSeverity.Medium, "libcap >= 2.36, or perf without libcap",
                $"{tool.RealBinary} does not link libcap ({libcap})", "", Reference, tool.RealBinary);
            yield break;
        }
        bool ok = tool.LibcapKnowsPerfmon == true;
        yield return Make(profile, ok ? FindingStatus.Pass : FindingStatus.Fail, FindingSeverity.Medium, "libcap >= 2.36",
            $"{tool.RealBinary} links {libcap}",
            Remediations.UpgradeLibcap, Reference, tool.RealBinary);
    }
}
