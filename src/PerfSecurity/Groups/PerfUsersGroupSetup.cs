using PerfSecurity.Acl;
using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using PerfSecurity.Native;
using PerfSecurity.Users;

namespace PerfSecurity.Groups;

/// <summary>
/// The kernel document's procedure on one descriptor: groupadd, then on the binary opened once with O_NOFOLLOW:
/// drop old capabilities while others may still execute it, fchown root:group (which clears capabilities anyway),
/// fchmod o-rwx, fsetxattr the capabilities, and verify by reading back. At no moment is there a capable binary
/// that others may execute; a failure after the first change leaves the binary without capabilities.
/// </summary>
public static class PerfUsersGroupSetup
{
    public static string ErrorIdOf(PerfUsersGroupStep step) => step switch
    {
        PerfUsersGroupStep.CreateGroup => "PerfUsersGroupCreateFailed",
        PerfUsersGroupStep.RemoveCapabilities => "PerfUsersGroupRemoveCapabilitiesFailed",
        PerfUsersGroupStep.Chown => "PerfUsersGroupChownFailed",
        PerfUsersGroupStep.Chmod => "PerfUsersGroupChmodFailed",
        PerfUsersGroupStep.GrantAclEntry => "PerfUsersGroupAclGrantFailed",
        PerfUsersGroupStep.RemoveAclEntry => "PerfUsersGroupAclRemoveFailed",
        PerfUsersGroupStep.SetCapabilities => "PerfUsersGroupSetCapabilitiesFailed",
        PerfUsersGroupStep.Verify => "PerfUsersGroupVerifyFailed",
        _ => "PerfUsersGroupMemberAddFailed",
    };

    /// <summary>The mode the binary gets: o-rwx and g-w, set-id bits dropped (chown drops them too), owner and group may execute.</summary>
    public static uint TargetMode(uint permissions) => (permissions & 0x1E8 /* 0750 */) | 0x48 /* 0110 */;

    /// <summary>Runs the procedure; returns the changes made (or, under -WhatIf, the ones that would be made).</summary>
    public static IReadOnlyList<string> Apply(PerfUsersGroupRequest request, ChangeGate gate)
        => Apply(request, gate, beforeStep: null);

    /// <summary>As <see cref="Apply(PerfUsersGroupRequest, ChangeGate)"/>; <paramref name="beforeStep"/> lets tests fail a step.</summary>
    internal static IReadOnlyList<string> Apply(PerfUsersGroupRequest request, ChangeGate gate, Action<PerfUsersGroupStep>? beforeStep)
    {
        var run = new Run(request, gate, beforeStep);
        run.Execute();
        return run.Changes;
    }

    private sealed class Run
    {
        private readonly PerfUsersGroupRequest _r;
        private readonly ChangeGate _gate;
        private readonly Action<PerfUsersGroupStep>? _beforeStep;
        private bool _stopped;
        private bool _binaryTouched;
        private bool _rootChecked;

        public Run(PerfUsersGroupRequest r, ChangeGate gate, Action<PerfUsersGroupStep>? beforeStep)
        {
            _r = r;
            _gate = gate;
            _beforeStep = beforeStep;
        }

        public List<string> Changes { get; } = new();
        private string Path => _r.Binary.Path;

        public void Execute()
        {
            // Bad names and unknown users are refused before anything is changed; a group about to be created needs only a valid name.
            Users.AccountName.RequireValid(_r.GroupName, Users.AccountKind.Group, "-Name");
            var users = _r.Members.Select(m => GroupDatabase.RequireUser(m, "-Member")).ToList();
            Accounts.GroupEntry? group;

            // The binary is walked to and checked before the group is created: a refused path changes nothing.
            using (FileDescriptor fd = OpenBinary())
            {
                Preflight(fd);

                Accounts.GroupEntry? found = GroupDatabase.Find(_r.GroupName);
                if (found is null)
                {
                    Step(PerfUsersGroupStep.CreateGroup, _r.GroupName, $"Create the group '{_r.GroupName}' (groupadd --system)",
                        () => found = GroupDatabase.Create(_r.GroupName));
                }
                else _gate.Verbose($"The group '{_r.GroupName}' exists (gid {found.Value.Gid}).");
                group = found;

                ConfigureBinary(fd, group);
            }

            foreach (var user in users)
            {
                if (group is { } g && GroupDatabase.IsMember(g, user))
                {
                    _gate.Verbose($"'{user.Name}' is already a member of '{_r.GroupName}'.");
                    continue;
                }
                Step(PerfUsersGroupStep.AddMember, user.Name, $"Add to the group '{_r.GroupName}'",
                    () => GroupDatabase.AddMember(_r.GroupName, user.Name));
            }

            if (Changes.Count == 0) _gate.Verbose($"'{Path}' and the group '{_r.GroupName}' are already configured; nothing to change.");
        }

        /// <summary>
        /// Walks the path from "/" (IO/SecurePath: a directory or link on the way that someone other than root could
        /// change is refused with PerfUsersGroupUntrustedPath, a FIFO or device before it is opened) and opens the
        /// binary read-only in the walked directory; every later step acts on this descriptor.
        /// </summary>
        private FileDescriptor OpenBinary()
        {
            // Read-only suffices for fchown, fchmod and fsetxattr, and works on a running binary (no ETXTBSY).
            using IO.ResolvedPath resolved = IO.SecurePath.Resolve(Path, "PerfUsersGroup");
            return resolved.OpenRegularFile();
        }

        /// <summary>Refuses what would make the capabilities useless, before the first change to the file.</summary>
        private void Preflight(FileDescriptor fd)
        {
            FileStatus st = FileSystem.Stat(fd);
            if (!st.IsRegularFile)
                throw new PerfSecurityException("PerfUsersGroupTargetNotRegularFile", FailureKind.InvalidArgument,
                    $"'{Path}' is not a regular file.", Path);
            Span<byte> head = stackalloc byte[2];
            if (FileSystem.ReadHead(fd, head) == 2 && head[0] == '#' && head[1] == '!')
                throw new PerfSecurityException("PerfUsersGroupTargetIsScript", FailureKind.InvalidArgument,
                    $"'{Path}' is a script; the kernel ignores file capabilities on scripts. Give the perf binary it runs.", Path);
            if ((FileSystem.MountFlags(fd, Path) & FileSystem.ST_NOSUID) != 0)
                throw new PerfSecurityException("PerfUsersGroupNosuidMount", FailureKind.InvalidOperation,
                    $"'{Path}' is on a filesystem mounted nosuid, where the kernel ignores file capabilities. Move perf to another filesystem, or use New-PerfCapabilityShell (capabilities through capsh and sudo) instead. Nothing was changed.", Path);
        }

        private void ConfigureBinary(FileDescriptor fd, Accounts.GroupEntry? group)
        {
            FileStatus st = FileSystem.Stat(fd);
            FileCapabilityData? caps = ReadCapabilities(fd);
            var desired = new FileCapabilityData(_r.Capabilities, CapabilitySet.Empty, Effective: true);
            uint mode = TargetMode(st.Permissions);
            // -Grant Acl keeps the binary's group: only a foreign owner is changed.
            bool byAcl = _r.Grant == PerfUsersGroupGrant.Acl;
            bool chown = byAcl ? st.Uid != 0 : group is not { } g || st.Uid != 0 || st.Gid != g.Gid;
            bool chmod = st.Permissions != mode;
            uint owningGid = byAcl ? st.Gid : group?.Gid ?? st.Gid;
            var aclChanges = PerfUsersGroupAcl.Plan(PosixAclFile.Read(fd, Path), mode, owningGid, group?.Gid, _r.GroupName, _r.Grant, Path);
            bool capsRight = caps is not null && caps.Permitted == desired.Permitted && caps.Inheritable.IsEmpty && caps.Effective && (caps.RootId ?? 0) == 0;
            string groupText = group is { } known ? $"{_r.GroupName} (gid {known.Gid})" : _r.GroupName;

            if (caps is not null && (chown || chmod))
                Step(PerfUsersGroupStep.RemoveCapabilities, Path,
                    $"Remove the file capabilities '{caps.Text}' while the ownership or mode is not yet final", () => RemoveCapabilities(fd));
            if (chown && byAcl)
                Step(PerfUsersGroupStep.Chown, Path, $"Change owner to root, keeping the group '{GroupNames.Of(owningGid)}' (fchown)",
                    () => FileSystem.FChown(fd, 0, owningGid, Path));
            else if (chown)
                Step(PerfUsersGroupStep.Chown, Path, $"Change owner and group to root:{groupText} (fchown)",
                    () => FileSystem.FChown(fd, 0, group!.Value.Gid, Path));
            if (chmod)
                Step(PerfUsersGroupStep.Chmod, Path, $"Change mode from {Octal(st.Permissions)} to {Octal(mode)}: no access for others (fchmod o-rwx)",
                    () => FileSystem.FChmod(fd, mode, Path));
            // Before setcap: the binary is never capable while an ACL entry lets an outsider execute it.
            foreach (var change in aclChanges)
                Step(change.Step, Path, change.Action, () => PerfUsersGroupAcl.Apply(fd, change, group!.Value.Gid, Path));
            if (!capsRight || chown || chmod)
                Step(PerfUsersGroupStep.SetCapabilities, Path, $"Set the file capabilities '{desired.Text}' (fsetxattr)", () =>
                {
                    var file = CapabilityFile.FromDescriptor(fd, Path);
                    file.Write(desired);
                });

            if (_stopped || _gate.Preview) return;
            Verify(fd, owningGid, group!.Value.Gid, mode, desired);
        }

        private void Verify(FileDescriptor fd, uint gid, uint groupGid, uint mode, FileCapabilityData desired)
        {
            try
            {
                _beforeStep?.Invoke(PerfUsersGroupStep.Verify);
                FileStatus st = FileSystem.Stat(fd);
                FileCapabilityData? caps = ReadCapabilities(fd);
                FileStatus atPath = FileSystem.Stat(Path, followLinks: false);
                var wrong = new List<string>();
                if (st.Uid != 0 || st.Gid != gid) wrong.Add($"owner {st.Uid}:{st.Gid}, expected 0:{gid}");
                if (st.Permissions != mode) wrong.Add($"mode {Octal(st.Permissions)}, expected {Octal(mode)}");
                if (caps is null || caps.Permitted != desired.Permitted || !caps.Inheritable.IsEmpty || !caps.Effective)
                    wrong.Add($"capabilities '{caps?.Text ?? "(none)"}', expected '{desired.Text}'");
                wrong.AddRange(PerfUsersGroupAcl.Problems(fd, groupGid, Path));
                if (atPath.Inode != st.Inode || atPath.Device != st.Device)
                    wrong.Add("the path now names another file (replaced while it was being configured)");
                if (wrong.Count > 0)
                    throw new PerfSecurityException("PerfUsersGroupVerifyFailed", FailureKind.InvalidData,
                        $"Reading back '{Path}' found {string.Join("; ", wrong)}.", Path);
                _gate.Verbose($"Verified '{Path}': root:{gid}, mode {Octal(mode)}, capabilities '{caps!.Text}'.");
            }
            catch (Exception e) when (e is PerfSecurityException or SystemCallException)
            {
                throw Fail(PerfUsersGroupStep.Verify, e, fd);
            }
        }

        private static FileCapabilityData? ReadCapabilities(FileDescriptor fd) => FileCapabilities.Read(fd);

        private void RemoveCapabilities(FileDescriptor fd)
        {
            try { Xattr.Remove(fd, FileCapabilityData.XattrName, Path); }
            catch (SystemCallException e) when (e.Errno == Errno.EOPNOTSUPP) { }
        }

        /// <summary>Asks, then runs one step; a failure after the binary was touched strips its capabilities.</summary>
        private void Step(PerfUsersGroupStep step, string target, string action, Action change)
        {
            if (!_gate.Approve(target, action) || _stopped)
            {
                // Declined (not -WhatIf): later steps could leave a half-done binary, so none runs.
                if (!_gate.Preview) _stopped = true;
                return;
            }
            if (!_rootChecked)
            {
                Privilege.RequireRoot("PerfUsersGroupNotRoot", "Configuring a perf users group", target);
                _rootChecked = true;
            }
            bool onBinary = step is PerfUsersGroupStep.RemoveCapabilities or PerfUsersGroupStep.Chown or PerfUsersGroupStep.Chmod
                or PerfUsersGroupStep.GrantAclEntry or PerfUsersGroupStep.RemoveAclEntry or PerfUsersGroupStep.SetCapabilities;
            try
            {
                // Marked first: a step that fails halfway may already have changed the binary.
                if (onBinary) _binaryTouched = true;
                _beforeStep?.Invoke(step);
                change();
            }
            catch (Exception e) when (e is PerfSecurityException or SystemCallException)
            {
                throw Fail(step, e, null);
            }
            Changes.Add($"{step}: {action}");
            _gate.Verbose($"{target}: {action}.");
        }

        private PerfSecurityException Fail(PerfUsersGroupStep step, Exception e, FileDescriptor? fd)
        {
            string left = "";
            if (_binaryTouched || step == PerfUsersGroupStep.Verify) left = " " + StripCapabilities(fd);
            FailureKind kind = e switch
            {
                PerfSecurityException p => p.Kind,
                SystemCallException s => PerfSecurityException.KindOf(s.Errno),
                _ => FailureKind.InvalidOperation,
            };
            string said = e is SystemCallException sc ? $"{sc.Call}: {Errno.Describe(sc.Errno)}" : e.Message;
            object target = step is PerfUsersGroupStep.CreateGroup or PerfUsersGroupStep.AddMember && e is PerfSecurityException { Target: { } t } ? t : Path;
            return new PerfSecurityException(ErrorIdOf(step), kind, $"Step '{step}' failed: {said}{left}", target, e);
        }

        private string StripCapabilities(FileDescriptor? fd)
        {
            try
            {
                using FileDescriptor own = fd is null ? OpenBinary() : new FileDescriptor();
                FileDescriptor use = fd ?? own;
                bool removed = Xattr.Remove(use, FileCapabilityData.XattrName, Path);
                return removed ? $"The capabilities of '{Path}' were removed, so it is not left capable." : $"'{Path}' has no file capabilities.";
            }
            catch (Exception e) when (e is PerfSecurityException or SystemCallException)
            {
                bool capable = ReadQuietly() is not null;
                return capable
                    ? $"WARNING: the capabilities of '{Path}' could not be removed ({e.Message}); check it with Get-PerfUsersGroup."
                    : $"'{Path}' has no file capabilities.";
            }
        }

        private FileCapabilityData? ReadQuietly()
        {
            try { return FileCapabilities.Read(Path, followLinks: false); }
            catch (PerfSecurityException) { return null; }
        }

        private static string Octal(uint mode) => Convert.ToString(mode, 8).PadLeft(4, '0');
    }
}
