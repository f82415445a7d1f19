using PerfSecurity.Native;
using PerfSecurity.Users;

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

/// <summary>
/// PERF-AUDIT-DOUBLE-DENIAL: audit records denying both CAP_PERFMON and CAP_SYS_ADMIN to one program mean it should be
/// given CAP_PERFMON alone (the guide's advice), read with the Get-PerfCapabilityDenial core.
/// </summary>
public sealed class DoubleDenialCheck : AuditCheck
{
    public override string Id => "PERF-AUDIT-DOUBLE-DENIAL";
    public override string Title => "no double PERFMON+SYS_ADMIN denials";

    public override IEnumerable<Finding> Run(AuditContext context, AuditProfile profile)
    {
        const string Reference = "perf-security: perf_events access control (double access denial logging)";
        const string Expected = "no program denied both CAP_PERFMON and CAP_SYS_ADMIN";
        var collector = new DenialCollector(null, AccountDatabase.Load());
        string? why = null;
        try { AuditLogFile.Read(context.AuditLogPath, collector, cancel: context.Token); }
        catch (Errors.PerfSecurityException e)
        {
            why = e.Message;
            if (e.Kind == Errors.FailureKind.PermissionDenied) context.NoteUnreadable(context.AuditLogPath, e.Message);
        }
        if (why is not null)
        {
            yield return Make(profile, FindingStatus.NotApplicable, FindingSeverity.Low, Expected, why, "", Reference, context.AuditLogPath);
            yield break;
        }
        var doubles = collector.Results().Where(d => d.BothDeniedCount > 0).ToList();
        foreach (var d in doubles)
        {
            string program = d.Executable ?? $"({d.Command})";
            yield return Make(profile, FindingStatus.Fail, FindingSeverity.Low, Expected,
                $"{program}: {d.BothDeniedCount} double denial(s) for {string.Join(",", d.User)}, last {d.LastSeen:u}",
                d.Recommendation ?? DenialCollector.Recommend(d.Executable, d.Command), Reference, d.Executable ?? context.AuditLogPath);
        }
        if (doubles.Count == 0)
            yield return Make(profile, FindingStatus.Pass, FindingSeverity.Low, Expected,
                $"{collector.Statistics.Events} audit event(s) in {context.AuditLogPath}, no double denial", "", Reference, context.AuditLogPath);
    }
}

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

/// <summary>PERF-AUDIT-UNREADABLE: what the audit could not read (an unprivileged run), so that a pass is not taken for complete.</summary>
public sealed class UnreadableCheck : AuditCheck
{
    public override string Id => "PERF-AUDIT-UNREADABLE";
    public override string Title => "everything the audit needs was readable";

    public override IEnumerable<Finding> Run(AuditContext context, AuditProfile profile)
    {
        if (context.Unreadable.Count == 0) yield break;
        yield return Make(profile, FindingStatus.Warning, FindingSeverity.Info, "all inputs readable",
            string.Join("; ", context.Unreadable), Remediations.RunAuditAsRoot, "sudoers(5), sysctl.d(5), auditd(8): files only root may read");
    }
}
