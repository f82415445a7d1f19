using PerfSecurity.Capabilities;
using PerfSecurity.Native;

namespace PerfSecurity.Audit;

/// <summary>PERF-BINARY-INVENTORY: which perf binaries were examined and which carry file capabilities.</summary>
public sealed class BinaryInventoryCheck : AuditCheck
{
    public override string Id => "PERF-BINARY-INVENTORY";
    public override string Title => "perf binaries with file capabilities";

    public override IEnumerable<Finding> Run(AuditContext context, AuditProfile profile)
    {
        var all = context.Binaries;
        var capable = context.CapableBinaries.ToList();
        string actual = all.Count == 0 ? "no perf binary found"
            : $"{all.Count} examined ({string.Join(", ", all.Select(b => b.Path))}); {capable.Count} with capabilities"
              + (capable.Count > 0 ? ": " + string.Join("; ", capable.Select(b => $"{b.Path} {b.CapabilityText}")) : "");
        yield return Make(profile, all.Count == 0 ? FindingStatus.NotApplicable : FindingStatus.Pass, FindingSeverity.Info,
            "an inventory", actual, "", "perf-security: Privileged Perf users groups");
    }
}

/// <summary>Shared shape of the per-binary checks: one finding for each binary that carries capabilities.</summary>
public abstract class BinaryCheck : AuditCheck
{
    public override IEnumerable<Finding> Run(AuditContext context, AuditProfile profile)
    {
        var list = context.CapableBinaries.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            context.Progress("Checking perf binaries", $"{Id} {list[i].Path}", list.Count == 0 ? 100 : i * 100 / list.Count);
            var f = Judge(context, profile, list[i]);
            if (f is not null) yield return f;
        }
    }

    protected abstract Finding? Judge(AuditContext context, AuditProfile profile, PerfBinary binary);

    public override RepairTargetKind TargetKind => RepairTargetKind.PerfBinary;

    /// <summary>
    /// Walks to the binary, proves on the descriptor that it is a perf binary and that the check still fails for it
    /// (<paramref name="stillFails"/>, judged on what the descriptor says), then changes it through that descriptor.
    /// </summary>
    protected static void OnPerfBinary(string path, Func<FileStatus, FileCapabilityData?, bool> stillFails, Action<FileDescriptor, FileStatus, FileCapabilityData?> change)
    {
        var (resolved, fd) = RepairTarget.OpenPerfBinary(path);
        using (resolved)
        using (fd)
        {
            FileStatus st = FileSystem.Stat(fd);
            FileCapabilityData? caps = FileCapabilities.Read(fd, resolved.RealPath);
            if (!stillFails(st, caps)) return; // repaired meanwhile: nothing to do
            change(fd, st, caps);
        }
    }
}

/// <summary>PERF-BINARY-SYS-ADMIN: the guide discourages CAP_SYS_ADMIN for monitoring; CAP_PERFMON is the least privilege.</summary>
public sealed class BinarySysAdminCheck : BinaryCheck
{
    public override string Id => "PERF-BINARY-SYS-ADMIN";
    public override string Title => "capable perf binary has no cap_sys_admin";

    protected override Finding? Judge(AuditContext context, AuditProfile profile, PerfBinary binary)
    {
        var caps = binary.Capabilities!;
        bool bad = HasSysAdmin(caps);
        var wanted = Without(caps);
        return Make(profile, bad ? FindingStatus.Fail : FindingStatus.Pass, FindingSeverity.High, "no cap_sys_admin (cap_perfmon instead)", binary.CapabilityText,
            Remediations.SetCapabilities(binary.Path, wanted.Permitted),
            "perf-security: perf_events access control (CAP_SYS_ADMIN is discouraged)", binary.Path, repairable: true);
    }

    private static bool HasSysAdmin(FileCapabilityData caps) => (caps.Permitted | caps.Inheritable).Contains(CapabilityTable.SysAdmin);

    /// <summary>The same capabilities without cap_sys_admin; cap_perfmon added when sys_admin was the only monitoring capability.</summary>
    public static FileCapabilityData Without(FileCapabilityData caps)
    {
        var p = caps.Permitted.Without(CapabilityTable.SysAdmin);
        var i = caps.Inheritable.Without(CapabilityTable.SysAdmin);
        if (caps.Permitted.Contains(CapabilityTable.SysAdmin)) p = p.With(CapabilityTable.Perfmon);
        return caps with { Permitted = p, Inheritable = i };
    }

    public override IEnumerable<RepairStep> Repair(Finding finding)
    {
        string path = finding.Target!;
        yield return new RepairStep(path, "Replace cap_sys_admin by cap_perfmon in the file capabilities", () =>
            OnPerfBinary(path, (_, caps) => caps is not null && HasSysAdmin(caps), (fd, _, caps) =>
            {
                // The same safety checks as Set-PerfCapability, on the descriptor already held.
                using var file = CapabilityFile.FromDescriptor(fd, path);
                file.Write(Without(caps!));
            }));
    }
}

/// <summary>PERF-BINARY-OTHERS-EXECUTE: a capable perf must not be executable by users outside its group (chmod o-rwx).</summary>
public sealed class BinaryOthersExecuteCheck : BinaryCheck
{
    public override string Id => "PERF-BINARY-OTHERS-EXECUTE";
    public override string Title => "capable perf not executable by others";

    protected override Finding? Judge(AuditContext context, AuditProfile profile, PerfBinary binary)
    {
        bool bad = (binary.Status.Permissions & 0x7) != 0;
        return Make(profile, bad ? FindingStatus.Fail : FindingStatus.Pass, FindingSeverity.High, "mode o-rwx (e.g. 0750)", $"mode {binary.ModeText}",
            Remediations.NewPerfUsersGroup(binary.Path, note: "or chmod o-rwx it"), "perf-security: Privileged Perf users groups, step 1 (chmod o-rwx perf)", binary.Path, repairable: true);
    }

    public override IEnumerable<RepairStep> Repair(Finding finding)
    {
        string path = finding.Target!;
        // chmod keeps file capabilities (only chown clears them).
        yield return new RepairStep(path, "Remove every permission of others (chmod o-rwx)",
            () => OnPerfBinary(path, (st, caps) => caps is not null && (st.Permissions & 0x7) != 0,
                (fd, st, _) => FileSystem.FChmod(fd, st.Permissions & ~0x7u, path)));
    }
}

/// <summary>PERF-BINARY-WRITABLE: a capable binary writable by a non-root user can be replaced and keep its capabilities.</summary>
public sealed class BinaryWritableCheck : BinaryCheck
{
    public override string Id => "PERF-BINARY-WRITABLE";
    public override string Title => "capable perf writable only by root";

    protected override Finding? Judge(AuditContext context, AuditProfile profile, PerfBinary binary)
    {
        bool foreignOwner = binary.Status.Uid != 0;
        bool bad = foreignOwner || (binary.Status.Permissions & 0x12) != 0;
        string remediation = foreignOwner
            ? Remediations.RemoveCapabilities(binary.Path, "then make it root-owned and set the capabilities again")
            : Remediations.RepairFromAudit(Id, path: binary.Path, note: "chmod go-w");
        return Make(profile, bad ? FindingStatus.Fail : FindingStatus.Pass, FindingSeverity.High, "owner root, mode go-w",
            $"owner {binary.Status.Uid}, mode {binary.ModeText}", remediation, "perf-security: Privileged Perf users groups (a root-owned perf binary); capabilities(7) (File capabilities)", binary.Path,
            repairable: !foreignOwner);
    }

    public override IEnumerable<RepairStep> Repair(Finding finding)
    {
        string path = finding.Target!;
        // A binary owned by another user is not repaired (chown would clear the capabilities): the walk refuses it,
        // since its owner could replace it at any time.
        yield return new RepairStep(path, "Remove write permission of group and others (chmod go-w)",
            () => OnPerfBinary(path, (st, caps) => caps is not null && st.Uid == 0 && (st.Permissions & 0x12) != 0,
                (fd, st, _) => FileSystem.FChmod(fd, st.Permissions & ~0x12u, path)));
    }
}

/// <summary>PERF-BINARY-SCRIPT: the kernel ignores file capabilities on scripts; they belong on the ELF the script runs.</summary>
public sealed class BinaryScriptCheck : BinaryCheck
{
    public override string Id => "PERF-BINARY-SCRIPT";
    public override string Title => "capabilities on an ELF, not a script";

    protected override Finding? Judge(AuditContext context, AuditProfile profile, PerfBinary binary)
    {
        string? real = binary.IsScript ? Tooling.PerfTool.ExecTarget(binary.Path) : null;
        return Make(profile, binary.IsScript ? FindingStatus.Fail : FindingStatus.Pass, FindingSeverity.Medium, "an ELF binary",
            binary.IsScript ? $"a script{(real is null ? "" : $" that execs {real}")}" : "an ELF binary",
            Remediations.MoveCapabilities(binary.Path, real, binary.CapabilityText),
            "execve(2) (Interpreter scripts: the interpreter runs, so the script's file capabilities are ignored); capabilities(7)", binary.Path, repairable: true);
    }

    public override IEnumerable<RepairStep> Repair(Finding finding)
    {
        string path = finding.Target!;
        yield return new RepairStep(path, "Remove the file capabilities the kernel ignores on this script", () =>
            OnPerfBinary(path, (_, caps) => caps is not null, (fd, _, _) =>
            {
                if (!PerfProgram.IsScriptFile(fd)) return; // no longer a script: the capabilities are not ignored
                Xattr.Remove(fd, FileCapabilityData.XattrName, path);
            }));
    }
}

/// <summary>
/// PERF-BINARY-GROUP: the guide's pattern is a dedicated group owning the binary (root:perf_users, o-rwx), and the
/// same group in the sudoers rule of the capability shell.
/// </summary>
public sealed class BinaryGroupCheck : BinaryCheck
{
    public override string Id => "PERF-BINARY-GROUP";
    public override string Title => "capable perf owned by a perf group";

    protected override Finding? Judge(AuditContext context, AuditProfile profile, PerfBinary binary)
    {
        var group = Accounts.GroupById(binary.Status.Gid);
        string reference = "perf-security: Privileged Perf users groups (chgrp perf_users perf)";
        string remediation = Remediations.NewPerfUsersGroup(binary.Path);
        if (group is null)
            return Make(profile, FindingStatus.Fail, FindingSeverity.Medium, "a group that exists", $"gid {binary.Status.Gid} has no group entry", remediation, reference, binary.Path);
        // The ACL variant: the binary keeps its group and one named ACL entry grants the perf group.
        BinaryAcl? acl = null;
        try { acl = BinaryAcl.Read(binary); }
        catch (Errors.PerfSecurityException e) { context.NoteUnreadable(binary.Path, e.Message); }
        Accounts.GroupEntry? aclGroup = acl?.Guard is { Kind: Acl.AclGrantKind.Group } byAcl ? Accounts.GroupById(byAcl.Id) : null;
        Accounts.GroupEntry guard = aclGroup ?? group.Value;
        string actual = aclGroup is { } ag ? $"group {group.Value.Name}; the ACL entry group:{ag.Name} grants {ag.Name} ({ag.Members.Length} members)"
            : $"group {group.Value.Name} ({group.Value.Members.Length} members)";
        if (aclGroup is null && binary.Status.Gid == 0)
            return Make(profile, FindingStatus.Warning, FindingSeverity.Low, "a dedicated group such as perf_users", $"group {group.Value.Name}",
                remediation, reference, binary.Path);
        var shellGroups = context.SudoersRules.SelectMany(r => r.Groups).Distinct().ToList();
        if (shellGroups.Count > 0 && !shellGroups.Contains(guard.Name))
            return Make(profile, FindingStatus.Warning, FindingSeverity.Low, $"the capability shell's group ({string.Join(", ", shellGroups)})",
                actual, remediation, reference, binary.Path);
        return Make(profile, FindingStatus.Pass, FindingSeverity.Low, "a dedicated group", actual, remediation, reference, binary.Path);
    }
}

/// <summary>
/// PERF-BINARY-IPC-LOCK: perf top maps large ring buffers; without cap_ipc_lock it fails once the perf_event_mlock_kb
/// budget is used up. A warning while perf top runs, with the -m alternative.
/// </summary>
public sealed class BinaryIpcLockCheck : BinaryCheck
{
    public override string Id => "PERF-BINARY-IPC-LOCK";
    public override string Title => "perf top memory: cap_ipc_lock or -m N";

    protected override Finding? Judge(AuditContext context, AuditProfile profile, PerfBinary binary)
    {
        var caps = binary.Capabilities!;
        var set = caps.Permitted | caps.Inheritable;
        if (!set.Contains(CapabilityTable.Perfmon) && !set.Contains(CapabilityTable.SysAdmin)) return null;
        bool hasIpcLock = set.Contains(CapabilityTable.IpcLock);
        var topPids = AuditContext.RunningPerfTop().ToList();
        string reference = "perf-security: Privileged Perf users groups (cap_ipc_lock for perf top, or perf top -m N); Memory allocation";
        if (hasIpcLock)
            return Make(profile, FindingStatus.Pass, FindingSeverity.Low, "cap_ipc_lock, or perf top -m N", "cap_ipc_lock present", "", reference, binary.Path);
        string actual = topPids.Count == 0 ? "no cap_ipc_lock; perf top not running" : $"no cap_ipc_lock; perf top running (pid {string.Join(", ", topPids)})";
        return Make(profile, topPids.Count == 0 ? FindingStatus.Pass : FindingStatus.Warning, FindingSeverity.Low, "cap_ipc_lock, or perf top -m N", actual,
            Remediations.ShrinkPerfTopBuffers, reference, binary.Path);
    }
}
