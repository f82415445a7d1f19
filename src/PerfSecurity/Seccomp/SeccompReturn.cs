using System.Globalization;

namespace PerfSecurity.Seccomp;

/// <summary>A filter's 32-bit return value: the action in the high 16 bits, its data in the low 16.</summary>
public readonly record struct SeccompReturn(uint Value)
{
    public const uint ActionMask = 0xffff0000, DataMask = 0x0000ffff;
    public const uint KillProcess = 0x80000000, KillThread = 0, Trap = 0x00030000, Errno = 0x00050000,
        UserNotif = 0x7fc00000, Trace = 0x7ff00000, Log = 0x7ffc0000, Allow = 0x7fff0000;
    /// <summary>ERRNO data above this is capped to it (MAX_ERRNO).</summary>
    public const int MaxErrno = 4095;

    public uint ActionBits => Value & ActionMask;
    public ushort Data => (ushort)(Value & DataMask);

    /// <summary>ACTION_ONLY(ret) as a signed number: across stacked filters the lowest wins (KILL_PROCESS is negative).</summary>
    public int Precedence => unchecked((int)ActionBits);

    /// <summary>The action; values the kernel does not know act as KILL_PROCESS (the default of __seccomp_filter).</summary>
    public SeccompAction Action => ActionBits switch
    {
        KillThread => SeccompAction.KillThread,
        Trap => SeccompAction.Trap,
        Errno => SeccompAction.Errno,
        UserNotif => SeccompAction.UserNotif,
        Trace => SeccompAction.Trace,
        Log => SeccompAction.Log,
        Allow => SeccompAction.Allow,
        _ => SeccompAction.KillProcess,
    };

    /// <summary>The errno an ERRNO action sets.</summary>
    public int ErrnoValue => Math.Min((int)Data, MaxErrno);

    /// <summary>"ALLOW", "ERRNO(EPERM)", "KILL_PROCESS", …</summary>
    public string Text => Action switch
    {
        SeccompAction.Errno => $"ERRNO({Native.Errno.Name(ErrnoValue) ?? ErrnoValue.ToString(CultureInfo.InvariantCulture)})",
        SeccompAction.KillProcess when ActionBits != KillProcess => string.Create(CultureInfo.InvariantCulture, $"KILL_PROCESS (unknown action 0x{ActionBits:x8})"),
        SeccompAction.KillProcess => "KILL_PROCESS",
        SeccompAction.KillThread => "KILL_THREAD",
        SeccompAction.Trap => "TRAP",
        SeccompAction.UserNotif => "USER_NOTIF",
        SeccompAction.Trace => "TRACE",
        SeccompAction.Log => "LOG",
        _ => "ALLOW",
    };
}
