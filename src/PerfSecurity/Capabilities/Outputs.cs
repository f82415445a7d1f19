using PerfSecurity.Capabilities;
using PerfSecurity.Users;

namespace PerfSecurity;

/// <summary>The file capabilities of one file, as getcap shows them.</summary>
public sealed class FileCapability
{
    public FileCapability(string path, FileCapabilityData data)
    {
        Path = path;
        RawPath = Native.PathBytes.Encode(path);
        DisplayPath = Native.PathBytes.Display(path);
        Text = data.Text;
        Permitted = data.Permitted.Names();
        Inheritable = data.Inheritable.Names();
        Effective = data.Effective;
        RootId = data.RootId;
        Revision = data.Revision;
        PermittedMask = data.Permitted.Mask;
        InheritableMask = data.Inheritable.Mask;
    }

    /// <summary>
    /// The path; bytes of the name that are not UTF-8 are held as U+DC80..U+DCFF (one per byte), so the
    /// module's -Path and -LiteralPath find the file again from this string.
    /// </summary>
    public string Path { get; }
    /// <summary>The path's bytes, as the kernel has them.</summary>
    public byte[] RawPath { get; }
    /// <summary>The path for people: each byte that is not UTF-8 shown as \xNN.</summary>
    public string DisplayPath { get; }
    /// <summary>Exactly what libcap's getcap prints after the path.</summary>
    public string Text { get; }
    public string[] Permitted { get; }
    public string[] Inheritable { get; }
    /// <summary>The single effective bit: at exec the effective set becomes permitted ∪ inheritable.</summary>
    public bool Effective { get; }
    /// <summary>Revision 3 only: the uid that is root of the user namespace the capabilities apply in.</summary>
    public uint? RootId { get; }
    public int Revision { get; }
    public ulong PermittedMask { get; }
    public ulong InheritableMask { get; }

    public override string ToString() => $"{DisplayPath} {Text}";
}

/// <summary>The capability sets and privilege flags of one process, from /proc/&lt;pid&gt;/status.</summary>
public sealed class ProcessCapability
{
    public ProcessCapability(ProcessStatus s, int? secureBits, bool inChildUserNamespace = false)
    {
        ProcessId = s.ProcessId;
        ParentId = s.ParentId;
        Name = s.Name;
        UserId = s.Uid;
        User = UserNames.Of(s.Uid);
        Effective = s.Effective.Names();
        Permitted = s.Permitted.Names();
        Inheritable = s.Inheritable.Names();
        Bounding = s.Bounding.Names();
        Ambient = s.Ambient.Names();
        EffectiveMask = s.Effective.Mask;
        PermittedMask = s.Permitted.Mask;
        InheritableMask = s.Inheritable.Mask;
        BoundingMask = s.Bounding.Mask;
        AmbientMask = s.Ambient.Mask;
        Text = CapabilityText.Format(new CapabilityState(s.Effective, s.Permitted, s.Inheritable));
        NoNewPrivs = s.NoNewPrivs;
        Seccomp = s.Seccomp;
        IsKernelThread = s.IsKernelThread;
        InChildUserNamespace = inChildUserNamespace;
        ThreadId = s.ThreadId;
        SecureBits = secureBits;
        SecureBitsFlags = secureBits is int b ? SecureBitsText.Names(b) : null;
    }

    public int ProcessId { get; }
    public int ParentId { get; }
    /// <summary>The command name (comm), at most 15 characters.</summary>
    public string Name { get; }
    /// <summary>The real user.</summary>
    public string User { get; }
    public uint UserId { get; }
    public string[] Effective { get; }
    public string[] Permitted { get; }
    public string[] Inheritable { get; }
    public string[] Bounding { get; }
    public string[] Ambient { get; }
    public ulong EffectiveMask { get; }
    public ulong PermittedMask { get; }
    public ulong InheritableMask { get; }
    public ulong BoundingMask { get; }
    public ulong AmbientMask { get; }
    /// <summary>The effective, permitted and inheritable sets in libcap's text form, as getpcaps prints them.</summary>
    public string Text { get; }
    public bool NoNewPrivs { get; }
    /// <summary>0 disabled, 1 strict, 2 filter.</summary>
    public int Seccomp { get; }
    public bool IsKernelThread { get; }
    /// <summary>
    /// True when the process lives in a user namespace other than the initial one (pscap marks it with *): its
    /// capabilities are held in that namespace, and do not count for perf_events.
    /// </summary>
    public bool InChildUserNamespace { get; }
    /// <summary>
    /// Null when the sets are the process leader's; otherwise the live thread they were read from, because the
    /// leader has exited (a zombie) while this thread runs on. getpcaps and pscap show the exited leader's sets.
    /// </summary>
    public int? ThreadId { get; }
    /// <summary>The secure bits (prctl PR_GET_SECUREBITS); the kernel reveals them only for the current process, so null for others.</summary>
    public int? SecureBits { get; }
    public string[]? SecureBitsFlags { get; }
}

/// <summary>A capability mask, its names and capsh --decode's text.</summary>
public sealed class CapabilityMask
{
    public CapabilityMask(CapabilitySet set)
    {
        Mask = set.Mask;
        Hex = set.ToHex();
        Names = set.Names();
        Text = set.ToDecodeText();
    }

    public ulong Mask { get; }
    /// <summary>16 lower-case hex digits, as /proc/&lt;pid&gt;/status prints masks.</summary>
    public string Hex { get; }
    public string[] Names { get; }
    /// <summary>Identical to capsh --decode: 0x&lt;hex&gt;=names.</summary>
    public string Text { get; }

    public override string ToString() => Text;
}

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
