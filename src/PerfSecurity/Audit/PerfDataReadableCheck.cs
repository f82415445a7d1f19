using PerfSecurity.Native;

namespace PerfSecurity.Audit;

/// <summary>PERF-DATA-READABLE: perf.data files hold all four data categories of the guide; others must not read them.</summary>
public sealed class PerfDataReadableCheck : AuditCheck
{
    public override string Id => "PERF-DATA-READABLE";
    public override string Title => "perf.data not readable by others";

    public override IEnumerable<Finding> Run(AuditContext context, AuditProfile profile)
    {
        const string Reference = "perf-security: data categories 1-4 (perf.data files)";
        if (context.DataPaths.Count == 0)
        {
            yield return Make(profile, FindingStatus.NotApplicable, FindingSeverity.Medium, "mode o-r", "no -DataPath given", "", Reference);
            yield break;
        }
        var files = context.DataFiles;
        var exposed = files.Where(f => f.ReadableByOthers).ToList();
        foreach (var f in exposed)
        {
            yield return Make(profile, FindingStatus.Fail, FindingSeverity.Medium, "mode o-r", f.Describe(),
                Remediations.RepairFromAudit(Id, dataPath: f.Path, note: "chmod o-rwx"),
                Reference, f.Path, repairable: true);
        }
        if (exposed.Count == 0)
            yield return Make(profile, FindingStatus.Pass, FindingSeverity.Medium, "mode o-r",
                $"{files.Count} perf.data file(s) under {string.Join(", ", context.DataPaths)}, none readable by others", "", Reference);
    }

    public override RepairTargetKind TargetKind => RepairTargetKind.PerfDataFile;

    public override IEnumerable<RepairStep> Repair(Finding finding)
    {
        string path = finding.Target!;
        yield return new RepairStep(path, "Remove every permission of others (chmod o-rwx)", () =>
        {
            using var fd = RepairTarget.OpenPerfData(path);
            FileSystem.FChmod(fd, FileSystem.Stat(fd).Permissions & ~0x7u, path);
        });
    }
}
