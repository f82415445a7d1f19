namespace PerfSecurity.Baselines;

/// <summary>The RLIMIT_MEMLOCK (soft, KiB; null = unlimited) a member gets at login, and where it comes from.</summary>
public sealed record BaselineMemlock(string User, ulong? MemlockKb, string Source);
