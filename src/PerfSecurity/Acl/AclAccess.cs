namespace PerfSecurity.Acl;

/// <summary>
/// The kernel's permission check for a caller without CAP_DAC_OVERRIDE: acl_permission_check in fs/namei.c and
/// posix_acl_permission in fs/posix_acl.c. The owner is judged by the owner bits alone. Otherwise the ACL is
/// consulted only when the mode's group bits (the mask, when there is one) are not all clear: then a named user
/// entry decides, masked; then every group entry the caller matches (group:: and group:NAME), masked, and the
/// caller is allowed when one grants everything asked; a caller who matched a group entry but got nothing is
/// refused; everyone else gets other::. Without an ACL, or with a mask of ---, the mode's group bits apply to the
/// owning group and the other bits to everyone else, named entries included.
/// </summary>
public static class AclAccess
{
    /// <summary>Whether a caller with fsuid <paramref name="uid"/> and groups <paramref name="gids"/> (fsgid and supplementary) gets <paramref name="want"/>.</summary>
    public static bool Allows(uint fileUid, uint fileGid, uint mode, PosixAcl? acl, uint uid, IReadOnlyCollection<uint> gids, AclPermissions want)
    {
        want &= AclPermissions.All;
        if (uid == fileUid) return Grants((AclPermissions)((mode >> 6) & 7), want);
        if (acl is not null && (mode & 0x38) != 0)
        {
            AclPermissions mask = acl.Mask?.Permissions ?? AclPermissions.All;
            bool matchedGroup = false;
            foreach (var e in acl.Entries)
            {
                switch (e.Tag)
                {
                    case AclTag.User when e.Id == uid:
                        return Grants(e.Permissions & mask, want);
                    case AclTag.GroupObj when gids.Contains(fileGid):
                    case AclTag.Group when gids.Contains(e.Id):
                        matchedGroup = true;
                        if (Grants(e.Permissions, want)) return Grants(e.Permissions & mask, want);
                        break;
                    case AclTag.Other:
                        return !matchedGroup && Grants(e.Permissions, want);
                }
            }
            return false;
        }
        if (gids.Contains(fileGid) && ((uint)want & (mode ^ (mode >> 3))) != 0) return Grants((AclPermissions)((mode >> 3) & 7), want);
        return Grants((AclPermissions)(mode & 7), want);
    }

    private static bool Grants(AclPermissions have, AclPermissions want) => (have & want) == want;

    /// <summary>
    /// Every principal that may execute the file: the owner, the owning group, named users and groups whose entry
    /// keeps x under the mask, and others when other:: has x (callers who match a group entry without x are then
    /// still refused, as the kernel does).
    /// </summary>
    public static IReadOnlyList<AclGrant> Executors(uint fileUid, uint fileGid, uint mode, PosixAcl? acl)
    {
        var grants = new List<AclGrant>();
        void Add(AclGrantKind kind, uint id, AclPermissions effective)
        {
            if ((effective & AclPermissions.Execute) != 0) grants.Add(new AclGrant(kind, id, effective));
        }
        Add(AclGrantKind.Owner, fileUid, (AclPermissions)((mode >> 6) & 7));
        if (acl is not null && (mode & 0x38) != 0)
        {
            AclPermissions mask = acl.Mask?.Permissions ?? AclPermissions.All;
            foreach (var e in acl.Entries)
            {
                switch (e.Tag)
                {
                    // A named entry for the owner is never reached: user:: decides for the owner.
                    case AclTag.User when e.Id != fileUid: Add(AclGrantKind.User, e.Id, e.Permissions & mask); break;
                    case AclTag.GroupObj: Add(AclGrantKind.OwningGroup, fileGid, e.Permissions & mask); break;
                    case AclTag.Group: Add(AclGrantKind.Group, e.Id, e.Permissions & mask); break;
                    case AclTag.Other: Add(AclGrantKind.Others, AclEntry.UndefinedId, e.Permissions); break;
                }
            }
            return grants;
        }
        Add(AclGrantKind.OwningGroup, fileGid, (AclPermissions)((mode >> 3) & 7));
        Add(AclGrantKind.Others, AclEntry.UndefinedId, (AclPermissions)(mode & 7));
        return grants;
    }

    /// <summary>
    /// The executors besides a root owner and the group <paramref name="groupGid"/> (as owning group or by a named
    /// entry): everyone the perf users group procedure must keep out.
    /// </summary>
    public static IReadOnlyList<AclGrant> Outsiders(IEnumerable<AclGrant> executors, uint? groupGid)
        => executors.Where(g => !(g.Kind == AclGrantKind.Owner && g.Id == 0)
                                && !(g.Kind is AclGrantKind.OwningGroup or AclGrantKind.Group && g.Id == groupGid)).ToList();
}
