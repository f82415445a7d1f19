namespace PerfSecurity.Acl;

/// <summary>ACL_READ, ACL_WRITE, ACL_EXECUTE: the same bits as one triplet of the file mode.</summary>
[Flags]
public enum AclPermissions : ushort
{
    None = 0,
    Execute = 1,
    Write = 2,
    Read = 4,
    ReadExecute = Read | Execute,
    All = Read | Write | Execute,
}
