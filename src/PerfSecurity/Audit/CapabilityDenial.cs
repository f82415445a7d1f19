namespace PerfSecurity;

/// <summary>CAP_PERFMON and CAP_SYS_ADMIN denials of one executable, from audit records.</summary>
public sealed class CapabilityDenial
{
    internal CapabilityDenial(string? executable, string? command, uint[] uid, string[] user, string[] loginUser, int count,
        int perfmonDenials, int sysAdminDenials, int bothDenied, DateTime firstSeen, DateTime lastSeen, string[] syscalls,
        string? recommendation, string[] source)
    {
        Executable = executable;
        Command = command;
        Uid = uid;
        User = user;
        LoginUser = loginUser;
        Count = count;
        PerfmonDenials = perfmonDenials;
        SysAdminDenials = sysAdminDenials;
        BothDeniedCount = bothDenied;
        FirstSeen = firstSeen;
        LastSeen = lastSeen;
        Syscalls = syscalls;
        Recommendation = recommendation;
        Source = source;
    }

    /// <summary>The exe of the SYSCALL record; null when the log has only the AVC record.</summary>
    public string? Executable { get; }
    /// <summary>The process name (comm).</summary>
    public string? Command { get; }
    public uint[] Uid { get; }
    public string[] User { get; }
    /// <summary>The login users (auid) behind the processes, where set.</summary>
    public string[] LoginUser { get; }
    /// <summary>Audit events with a CAP_PERFMON or CAP_SYS_ADMIN denial.</summary>
    public int Count { get; }
    public int PerfmonDenials { get; }
    public int SysAdminDenials { get; }
    /// <summary>Events where both capabilities were denied (the kernel's double-denial pattern).</summary>
    public int BothDeniedCount { get; }
    public bool PerfmonDenied => PerfmonDenials > 0;
    public bool SysAdminDenied => SysAdminDenials > 0;
    /// <summary>Local time of the first and last such event.</summary>
    public DateTime FirstSeen { get; }
    public DateTime LastSeen { get; }
    /// <summary>The system calls that triggered the checks (perf_event_open, ...).</summary>
    public string[] Syscalls { get; }
    /// <summary>Where both were denied: grant CAP_PERFMON alone, as a command line. Null otherwise.</summary>
    public string? Recommendation { get; }
    /// <summary>The log files the events came from.</summary>
    public string[] Source { get; }
}
