namespace PerfSecurity.Resources;

/// <summary>Whose limits a budget is computed for: a running process, a user's next login, or this process.</summary>
/// <param name="Description">The subject in words ("user alice", "process 1234").</param>
/// <param name="Uid">The user whose limits and locked memory count.</param>
/// <param name="Memlock">RLIMIT_MEMLOCK in bytes (null: unlimited); the kernel checks the soft half.</param>
/// <param name="MemlockSource">Where the memlock limit comes from.</param>
/// <param name="OpenFiles">RLIMIT_NOFILE, soft and hard (null: unlimited).</param>
/// <param name="OpenFilesSource">Where the open-files limit comes from.</param>
/// <param name="CapIpcLock">Whether the subject has CAP_IPC_LOCK (ring buffers beyond the limits).</param>
/// <param name="ProcessId">The process, for a running one.</param>
/// <param name="Problems">What in the limits configuration breaks or blocks the subject's sessions.</param>
public sealed record BudgetSubject(string Description, uint Uid, LimitPair Memlock, string MemlockSource,
    LimitPair OpenFiles, string OpenFilesSource, bool CapIpcLock, int? ProcessId, IReadOnlyList<string> Problems)
{
    public ulong? MemlockLimitBytes => Memlock.Soft;
}
