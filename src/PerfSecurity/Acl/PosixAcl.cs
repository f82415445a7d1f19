using System.Buffers.Binary;
using PerfSecurity.Errors;
using PerfSecurity.Users;

namespace PerfSecurity.Acl;

/// <summary>
/// A POSIX access ACL as the kernel stores it in the system.posix_acl_access extended attribute
/// (include/uapi/linux/posix_acl_xattr.h): a little-endian header { u32 a_version = 2 } followed by
/// 8-byte entries { u16 e_tag, u16 e_perm, u32 e_id }. Entries are in the order fs/posix_acl.c's
/// posix_acl_valid demands: user::, user:*, group::, group:*, mask::, other::.
/// </summary>
public sealed class PosixAcl : IEquatable<PosixAcl>
{
    public const string AccessXattrName = "system.posix_acl_access";
    public const string DefaultXattrName = "system.posix_acl_default";
    public const uint XattrVersion = 2;
    private const int HeaderSize = 4, EntrySize = 8;

    private readonly AclEntry[] _entries;

    private PosixAcl(AclEntry[] entries) => _entries = entries;

    public IReadOnlyList<AclEntry> Entries => _entries;

    /// <summary>
    /// Builds an ACL from entries, checked as the kernel checks one written to the attribute; the ids of
    /// unnamed entries are normalised to ACL_UNDEFINED_ID.
    /// </summary>
    public static PosixAcl Create(IEnumerable<AclEntry> entries)
    {
        var list = entries.Select(e => e.IsNamed ? e : e with { Id = AclEntry.UndefinedId }).ToArray();
        string? why = Invalid(list);
        if (why is not null) throw Bad(why);
        return new PosixAcl(list);
    }

    /// <summary>The three-entry ACL that stands for a mode without an extended ACL (posix_acl_from_mode).</summary>
    public static PosixAcl FromMode(uint mode) => new(new[]
    {
        new AclEntry(AclTag.UserObj, (AclPermissions)((mode >> 6) & 7)),
        new AclEntry(AclTag.GroupObj, (AclPermissions)((mode >> 3) & 7)),
        new AclEntry(AclTag.Other, (AclPermissions)(mode & 7)),
    });

    /// <summary>
    /// Decodes the attribute's value as fs/posix_acl.c's posix_acl_from_xattr does: version 2, a whole number of
    /// entries, known tags, valid ids for named entries, then posix_acl_valid's order and permission bits.
    /// A header without entries is no ACL at all (null), as for the kernel.
    /// </summary>
    public static PosixAcl? Decode(ReadOnlySpan<byte> value)
    {
        if (value.Length < HeaderSize) throw Bad($"{value.Length} bytes is shorter than the 4-byte header");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(value);
        if (version != XattrVersion) throw Bad($"version {version}, expected {XattrVersion}");
        if ((value.Length - HeaderSize) % EntrySize != 0)
            throw Bad($"{value.Length - HeaderSize} bytes of entries is not a multiple of {EntrySize}");
        int count = (value.Length - HeaderSize) / EntrySize;
        if (count == 0) return null;
        var entries = new AclEntry[count];
        for (int i = 0; i < count; i++)
        {
            var e = value.Slice(HeaderSize + i * EntrySize, EntrySize);
            ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(e);
            ushort perm = BinaryPrimitives.ReadUInt16LittleEndian(e[2..]);
            uint id = BinaryPrimitives.ReadUInt32LittleEndian(e[4..]);
            if (!Enum.IsDefined(typeof(AclTag), tag)) throw Bad($"entry {i} has the unknown tag 0x{tag:x}");
            var t = (AclTag)tag;
            bool named = t is AclTag.User or AclTag.Group;
            if (named && id == AclEntry.UndefinedId) throw Bad($"entry {i} ({t}) has no valid id");
            entries[i] = new AclEntry(t, (AclPermissions)perm, named ? id : AclEntry.UndefinedId);
        }
        string? why = Invalid(entries);
        if (why is not null) throw Bad(why);
        return new PosixAcl(entries);
    }

    /// <summary>The attribute's value, as posix_acl_to_xattr writes it (unnamed entries carry ACL_UNDEFINED_ID).</summary>
    public byte[] Encode()
    {
        var b = new byte[HeaderSize + _entries.Length * EntrySize];
        BinaryPrimitives.WriteUInt32LittleEndian(b, XattrVersion);
        for (int i = 0; i < _entries.Length; i++)
        {
            var s = b.AsSpan(HeaderSize + i * EntrySize, EntrySize);
            BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)_entries[i].Tag);
            BinaryPrimitives.WriteUInt16LittleEndian(s[2..], (ushort)_entries[i].Permissions);
            BinaryPrimitives.WriteUInt32LittleEndian(s[4..], _entries[i].IsNamed ? _entries[i].Id : AclEntry.UndefinedId);
        }
        return b;
    }

    /// <summary>posix_acl_valid: order user::, user:*, group::, group:*, mask::, other::, one mask when there are named entries, rwx bits only.</summary>
    private static string? Invalid(AclEntry[] entries)
    {
        // The states of posix_acl_valid: the tag each entry may have depends on the ones before it.
        const int WantUserObj = 0, InUsers = 1, InGroups = 2, AfterMask = 3, Done = 4;
        int state = WantUserObj;
        bool needsMask = false;
        for (int i = 0; i < entries.Length; i++)
        {
            var e = entries[i];
            if (((ushort)e.Permissions & ~(ushort)AclPermissions.All) != 0) return $"entry {i} has permission bits 0x{(ushort)e.Permissions:x} beyond rwx";
            switch (e.Tag)
            {
                case AclTag.UserObj when state == WantUserObj: state = InUsers; break;
                case AclTag.User when state == InUsers: needsMask = true; break;
                case AclTag.GroupObj when state == InUsers: state = InGroups; break;
                case AclTag.Group when state == InGroups: needsMask = true; break;
                case AclTag.Mask when state == InGroups: state = AfterMask; break;
                case AclTag.Other when state == AfterMask || (state == InGroups && !needsMask): state = Done; break;
                default:
                    return state == Done ? $"entry {i} ({e.Tag}) follows other::" : $"entry {i} ({e.Tag}) is out of order or missing its mask::";
            }
        }
        return state == Done ? null : "the ACL lacks one of user::, group:: or other::";
    }

    private static PerfSecurityException Bad(string why)
        => new("PerfAclInvalid", FailureKind.InvalidData, $"Not a valid POSIX ACL ({AccessXattrName}): {why}.");

    public AclEntry UserObj => _entries.First(e => e.Tag == AclTag.UserObj);
    public AclEntry GroupObj => _entries.First(e => e.Tag == AclTag.GroupObj);
    public AclEntry Other => _entries.First(e => e.Tag == AclTag.Other);
    public AclEntry? Mask => _entries.Any(e => e.Tag == AclTag.Mask) ? _entries.First(e => e.Tag == AclTag.Mask) : null;
    public IEnumerable<AclEntry> NamedEntries => _entries.Where(e => e.IsNamed);

    /// <summary>Whether the ACL says no more than the mode does (posix_acl_equiv_mode is 0): the kernel then stores no attribute.</summary>
    public bool IsMinimal => _entries.Length == 3;

    /// <summary>The permission bits of the mode the kernel keeps beside this ACL: the group triplet shows the mask when there is one.</summary>
    public uint ModeBits => ((uint)UserObj.Permissions << 6) | ((uint)(Mask ?? GroupObj).Permissions << 3) | (uint)Other.Permissions;

    /// <summary>The ACL after chmod to <paramref name="mode"/> (__posix_acl_chmod_masq): owner, mask (or group:: without one) and other follow the mode.</summary>
    public PosixAcl WithMode(uint mode)
    {
        bool hasMask = Mask is not null;
        return new PosixAcl(_entries.Select(e => e.Tag switch
        {
            AclTag.UserObj => e with { Permissions = (AclPermissions)((mode >> 6) & 7) },
            AclTag.Mask => e with { Permissions = (AclPermissions)((mode >> 3) & 7) },
            AclTag.GroupObj when !hasMask => e with { Permissions = (AclPermissions)((mode >> 3) & 7) },
            AclTag.Other => e with { Permissions = (AclPermissions)(mode & 7) },
            _ => e,
        }).ToArray());
    }

    /// <summary>
    /// The ACL without the named entry for (<paramref name="tag"/>, <paramref name="id"/>). When no named entry is
    /// left the mask goes too and group:: keeps only what the mask let through, so that nobody gains a permission
    /// and the kernel can store the ACL as a plain mode.
    /// </summary>
    public PosixAcl WithoutNamed(AclTag tag, uint id)
    {
        var rest = _entries.Where(e => !(e.Tag == tag && e.Id == id)).ToList();
        if (rest.Any(e => e.IsNamed)) return new PosixAcl(rest.ToArray());
        AclPermissions mask = Mask?.Permissions ?? AclPermissions.All;
        return new PosixAcl(rest.Where(e => e.Tag != AclTag.Mask)
            .Select(e => e.Tag == AclTag.GroupObj ? e with { Permissions = e.Permissions & mask } : e).ToArray());
    }

    /// <summary>
    /// The ACL with a named entry set to <paramref name="permissions"/> (added in id order, as setfacl keeps them);
    /// a mask is added when there was none, with <paramref name="maskIfMissing"/>.
    /// </summary>
    public PosixAcl WithNamed(AclTag tag, uint id, AclPermissions permissions, AclPermissions maskIfMissing)
    {
        if (tag is not (AclTag.User or AclTag.Group)) throw new ArgumentOutOfRangeException(nameof(tag));
        var list = _entries.Where(e => !(e.Tag == tag && e.Id == id)).ToList();
        int at = tag == AclTag.User
            ? list.FindIndex(e => e.Tag != AclTag.UserObj && !(e.Tag == AclTag.User && e.Id < id))
            : list.FindIndex(e => e.Tag is not (AclTag.UserObj or AclTag.User or AclTag.GroupObj) && !(e.Tag == AclTag.Group && e.Id < id));
        list.Insert(at, new AclEntry(tag, permissions, id));
        if (!list.Any(e => e.Tag == AclTag.Mask))
            list.Insert(list.FindIndex(e => e.Tag == AclTag.Other), new AclEntry(AclTag.Mask, maskIfMissing));
        return new PosixAcl(list.ToArray());
    }

    /// <summary>The ACL with an unnamed entry (user::, group::, mask::, other::) set to <paramref name="permissions"/>.</summary>
    public PosixAcl WithUnnamed(AclTag tag, AclPermissions permissions)
    {
        if (tag is AclTag.User or AclTag.Group) throw new ArgumentOutOfRangeException(nameof(tag));
        if (tag == AclTag.Mask && Mask is null) throw new InvalidOperationException("The ACL has no mask.");
        return new PosixAcl(_entries.Select(e => e.Tag == tag ? e with { Permissions = permissions } : e).ToArray());
    }

    /// <summary>The entries as getfacl prints them, one per line.</summary>
    public string[] ToText(Func<AclTag, uint, string?>? name = null) => _entries.Select(e => e.ToText(name)).ToArray();

    /// <summary>The entries as getfacl prints them, named users and groups by name (through NSS; the number when there is none).</summary>
    public string[] ToNamedText() => ToText(NameOf);

    /// <summary>The name of a named entry's user or group, through NSS; the number when there is none.</summary>
    public static string NameOf(AclTag tag, uint id) => tag == AclTag.User ? UserNames.Of(id) : GroupNames.Of(id);

    public bool Equals(PosixAcl? other) => other is not null && _entries.AsSpan().SequenceEqual(other._entries);
    public override bool Equals(object? obj) => Equals(obj as PosixAcl);
    public override int GetHashCode() => _entries.Aggregate(0, (h, e) => HashCode.Combine(h, e));
    public override string ToString() => string.Join(",", ToText());
}
