namespace PerfSecurity.Seccomp;

/// <summary>What a seccomp filter tells the kernel to do with a system call (SECCOMP_RET_*).</summary>
public enum SeccompAction { KillProcess, KillThread, Trap, Errno, UserNotif, Trace, Log, Allow }
