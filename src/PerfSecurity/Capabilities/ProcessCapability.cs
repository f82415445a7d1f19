using PerfSecurity.Capabilities;
using PerfSecurity.Users;

namespace PerfSecurity;

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
