using System.Globalization;

namespace PerfSecurity.Acl;

/// <summary>One entry: a tag, its permissions and, for named users and groups, the uid or gid.</summary>
public readonly record struct AclEntry(AclTag Tag, AclPermissions Permissions, uint Id = AclEntry.UndefinedId)
{
    /// <summary>ACL_UNDEFINED_ID: what the kernel stores as the id of an unnamed entry.</summary>
    public const uint UndefinedId = uint.MaxValue;

    /// <summary>A user:NAME or group:NAME entry (the ones setfacl -m u:/g: adds).</summary>
    public bool IsNamed => Tag is AclTag.User or AclTag.Group;

    /// <summary>"r-x" as getfacl prints permissions.</summary>
    public static string PermissionText(AclPermissions p)
        => new(new[] { (p & AclPermissions.Read) != 0 ? 'r' : '-', (p & AclPermissions.Write) != 0 ? 'w' : '-', (p & AclPermissions.Execute) != 0 ? 'x' : '-' });

    /// <summary>The entry as getfacl prints it ("user:alice:r-x", "mask::r-x"); <paramref name="name"/> names a uid/gid (null: numeric, as getfacl -n).</summary>
    public string ToText(Func<AclTag, uint, string?>? name = null)
    {
        string qualifier = IsNamed ? name?.Invoke(Tag, Id) ?? Id.ToString(CultureInfo.InvariantCulture) : "";
        string tag = Tag switch
        {
            AclTag.UserObj or AclTag.User => "user",
            AclTag.GroupObj or AclTag.Group => "group",
            AclTag.Mask => "mask",
            _ => "other",
        };
        return $"{tag}:{qualifier}:{PermissionText(Permissions)}";
    }

    public override string ToString() => ToText();
}
