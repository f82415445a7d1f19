using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.Capabilities;

/// <summary>
/// What a file holds before a change: capabilities, no attribute, or an attribute the kernel will not hand back.
/// Replacing or removing never needs the old value (setcap and setcap -r do not read it), so an unreadable one
/// is only reported.
/// </summary>
public sealed record StoredCapability(FileCapabilityData? Data, string? UnreadableReason)
{
    public static readonly StoredCapability None = new(null, null);

    public bool Exists => Data is not null || UnreadableReason is not null;
    public bool IsUnreadable => UnreadableReason is not null;

    /// <summary>For -Verbose and -WhatIf: the text, "none", or why the value cannot be shown.</summary>
    public string Describe() => Data?.Text ?? (UnreadableReason is null ? "none" : $"unreadable: {UnreadableReason}");

    /// <summary>
    /// Reads the attribute of an open file; EINVAL (a stored value of the wrong size or revision) and EOVERFLOW
    /// (a revision-3 value whose root uid has no mapping in the caller's user namespace) become an unreadable value.
    /// </summary>
    public static StoredCapability Read(CapabilityFile file)
    {
        try
        {
            return file.Read() is { } data ? new(data, null) : None;
        }
        catch (PerfSecurityException e) when (e.ErrorId == "PerfCapabilityCorruptXattr" || Why(e.Errno) is not null)
        {
            return new(null, Why(e.Errno) ?? e.Message);
        }
    }

    private static string? Why(int errno) => errno switch
    {
        Errno.EINVAL => "the kernel will not return it, as its size or revision is not valid",
        Errno.EOVERFLOW => "it is revision 3 with a root uid that has no mapping in this user namespace",
        _ => null,
    };
}
