using PerfSecurity.Acl;
using PerfSecurity.Errors;
using PerfSecurity.Native;
using PerfSecurity.Users;

namespace PerfSecurity.Groups;

/// <summary>
/// The POSIX ACL part of the perf users group procedure. A named entry (setfacl -m u:NAME or g:NAME, or inherited
/// from a directory's default ACL) lets users outside the group execute the binary once chmod gives the mask x,
/// so every named entry that grants anything to anyone but the root owner and the group is removed, one step
/// each, before the capabilities are set. With <see cref="PerfUsersGroupGrant.Acl"/> the group is granted by its
/// own entry instead of by chgrp.
/// </summary>
public static class PerfUsersGroupAcl
{
    /// <summary>What the group's ACL entry grants: read and execute, as o-rwx leaves the group in the document's procedure.</summary>
    public const AclPermissions GroupPermissions = AclPermissions.ReadExecute;

    /// <summary>
    /// The changes that leave only the root owner and the group able to execute the binary, judged on
    /// <paramref name="current"/> as it will be once chmod has set <paramref name="mode"/> (the mask and other::
    /// follow the mode). <paramref name="groupGid"/> is null while the group does not exist yet (-WhatIf).
    /// </summary>
    public static IReadOnlyList<PerfUsersGroupAclChange> Plan(AclReading current, uint mode, uint owningGid, uint? groupGid, string groupName,
        PerfUsersGroupGrant grant, string path)
    {
        PosixAcl? acl = current.Acl?.WithMode(mode);
        var changes = new List<PerfUsersGroupAclChange>();
        if (grant == PerfUsersGroupGrant.Acl)
        {
            if (!current.Supported)
                throw new PerfSecurityException("PerfUsersGroupAclNotSupported", FailureKind.NotImplemented,
                    $"The filesystem of '{path}' does not support POSIX ACLs, so the group cannot be granted by an ACL entry. Use -Grant Group (chgrp), or mount the filesystem with ACLs. The binary was not changed.", path);
            if (owningGid != groupGid)
            {
                // First the group's entry (with a mask that lets it execute), then the owning group loses its
                // permissions: so the ACL never shrinks to a plain mode that would drop the mask in between.
                AclEntry? entry = groupGid is uint g ? acl?.NamedEntries.Where(e => e.Tag == AclTag.Group && e.Id == g).Select(e => (AclEntry?)e).FirstOrDefault() : null;
                if (entry?.Permissions != GroupPermissions)
                    changes.Add(new(PerfUsersGroupStep.GrantAclEntry,
                        $"Let the group '{groupName}' execute it by the ACL entry group:{groupName}:{AclEntry.PermissionText(GroupPermissions)} (fsetxattr)",
                        (a, st, gid) => (a ?? PosixAcl.FromMode(st.Permissions)).WithNamed(AclTag.Group, gid, GroupPermissions, (AclPermissions)((st.Permissions >> 3) & 7))));
                AclPermissions owning = acl?.GroupObj.Permissions ?? (AclPermissions)((mode >> 3) & 7);
                if (owning != AclPermissions.None)
                    changes.Add(new(PerfUsersGroupStep.RemoveAclEntry,
                        $"Remove the permissions of the owning group '{GroupNames.Of(owningGid)}': the ACL entry group::{AclEntry.PermissionText(owning)} becomes group::--- (fsetxattr)",
                        (a, st, _) => (a ?? PosixAcl.FromMode(st.Permissions)).WithUnnamed(AclTag.GroupObj, AclPermissions.None)));
            }
        }
        foreach (AclEntry e in acl?.NamedEntries ?? Enumerable.Empty<AclEntry>())
        {
            // An entry without permissions only refuses; the root owner is judged by user:: alone.
            if (e.Permissions == AclPermissions.None) continue;
            if (e.Tag == AclTag.User && e.Id == 0) continue;
            if (e.Tag == AclTag.Group && e.Id == groupGid) continue;
            changes.Add(new(PerfUsersGroupStep.RemoveAclEntry, $"Remove the ACL entry {e.ToText(PosixAcl.NameOf)} (fsetxattr)",
                (a, _, _) => a?.WithoutNamed(e.Tag, e.Id)));
        }
        return changes;
    }

    /// <summary>Makes one change on the descriptor: reads the ACL as it is now, edits it, writes it back.</summary>
    public static void Apply(FileDescriptor fd, PerfUsersGroupAclChange change, uint groupGid, string path)
    {
        FileStatus st = FileSystem.Stat(fd);
        PosixAcl? now = PosixAclFile.Read(fd, path).Acl;
        PosixAcl? next = change.Edit(now, st, groupGid);
        if (next is null || next.Equals(now)) return;
        PosixAclFile.Write(fd, next, path);
    }

    /// <summary>What is wrong with the binary's ACL after the procedure: outsiders who may execute it, or a group that may not.</summary>
    public static IEnumerable<string> Problems(FileDescriptor fd, uint groupGid, string path)
    {
        FileStatus st = FileSystem.Stat(fd);
        var executors = AclAccess.Executors(st.Uid, st.Gid, st.Permissions, PosixAclFile.Read(fd, path).Acl);
        // Others are the mode check's business.
        var outsiders = AclAccess.Outsiders(executors, groupGid).Where(g => g.Kind != AclGrantKind.Others).ToList();
        if (outsiders.Count > 0) yield return $"users outside the group may execute it ({string.Join(", ", outsiders.Select(g => g.Describe()))})";
        if (!executors.Any(g => g.Kind is AclGrantKind.OwningGroup or AclGrantKind.Group && g.Id == groupGid))
            yield return $"the group (gid {groupGid}) may not execute it";
    }

}
