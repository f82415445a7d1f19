namespace PerfSecurity.Acl;

/// <summary>The tag of an ACL entry, with the values of include/uapi/linux/posix_acl.h.</summary>
public enum AclTag : ushort
{
    UserObj = 0x01,
    User = 0x02,
    GroupObj = 0x04,
    Group = 0x08,
    Mask = 0x10,
    Other = 0x20,
}
