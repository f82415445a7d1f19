namespace PerfSecurity.Acl;

/// <summary>Who a grant of execute permission reaches.</summary>
public enum AclGrantKind
{
    /// <summary>The file's owner (user:: or the mode's owner bits).</summary>
    Owner,
    /// <summary>Members of the file's group (group:: under the mask, or the mode's group bits).</summary>
    OwningGroup,
    /// <summary>A named user entry (user:NAME:...).</summary>
    User,
    /// <summary>Members of a named group entry (group:NAME:...).</summary>
    Group,
    /// <summary>Everyone else (other:: or the mode's other bits).</summary>
    Others,
}
