using PerfSecurity.Capabilities;

namespace PerfSecurity;

/// <summary>Secure bits (SECBIT_*) decoded.</summary>
public sealed class SecureBitsValue
{
    public SecureBitsValue(int value)
    {
        Value = value;
        Flags = SecureBitsText.Names(value);
        Text = SecureBitsText.CapshText(value);
        var b = (SecureBits)value;
        NoRoot = b.HasFlag(Capabilities.SecureBits.NoRoot);
        NoRootLocked = b.HasFlag(Capabilities.SecureBits.NoRootLocked);
        NoSetuidFixup = b.HasFlag(Capabilities.SecureBits.NoSetuidFixup);
        NoSetuidFixupLocked = b.HasFlag(Capabilities.SecureBits.NoSetuidFixupLocked);
        KeepCaps = b.HasFlag(Capabilities.SecureBits.KeepCaps);
        KeepCapsLocked = b.HasFlag(Capabilities.SecureBits.KeepCapsLocked);
        NoCapAmbientRaise = b.HasFlag(Capabilities.SecureBits.NoCapAmbientRaise);
        NoCapAmbientRaiseLocked = b.HasFlag(Capabilities.SecureBits.NoCapAmbientRaiseLocked);
        ExecRestrictFile = b.HasFlag(Capabilities.SecureBits.ExecRestrictFile);
        ExecRestrictFileLocked = b.HasFlag(Capabilities.SecureBits.ExecRestrictFileLocked);
        ExecDenyInteractive = b.HasFlag(Capabilities.SecureBits.ExecDenyInteractive);
        ExecDenyInteractiveLocked = b.HasFlag(Capabilities.SecureBits.ExecDenyInteractiveLocked);
    }

    public int Value { get; }
    public string[] Flags { get; }
    /// <summary>capsh's form: octal/hex/bit-count'binary (0357/0xef/8'b11101111).</summary>
    public string Text { get; }
    public bool NoRoot { get; }
    public bool NoRootLocked { get; }
    public bool NoSetuidFixup { get; }
    public bool NoSetuidFixupLocked { get; }
    public bool KeepCaps { get; }
    public bool KeepCapsLocked { get; }
    public bool NoCapAmbientRaise { get; }
    public bool NoCapAmbientRaiseLocked { get; }
    public bool ExecRestrictFile { get; }
    public bool ExecRestrictFileLocked { get; }
    public bool ExecDenyInteractive { get; }
    public bool ExecDenyInteractiveLocked { get; }

    public override string ToString() => Text;
}
