namespace PerfSecurity.Seccomp;

/// <summary>Who else may decide: a tracer (for TRACE) and supervisors holding notification descriptors (USER_NOTIF).</summary>
public sealed record SeccompContext(int TracerPid, bool NotifyListeners);
