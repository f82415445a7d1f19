namespace PerfSecurity.Capabilities;

/// <summary>The kernel's secure bits (include/uapi/linux/securebits.h).</summary>
[Flags]
public enum SecureBits
{
    None = 0,
    NoRoot = 1,
    NoRootLocked = 2,
    NoSetuidFixup = 4,
    NoSetuidFixupLocked = 8,
    KeepCaps = 16,
    KeepCapsLocked = 32,
    NoCapAmbientRaise = 64,
    NoCapAmbientRaiseLocked = 128,
    ExecRestrictFile = 0x100,
    ExecRestrictFileLocked = 0x200,
    ExecDenyInteractive = 0x400,
    ExecDenyInteractiveLocked = 0x800,
}
