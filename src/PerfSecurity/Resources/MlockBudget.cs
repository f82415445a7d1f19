using PerfSecurity.Resources;

namespace PerfSecurity;

/// <summary>How much perf ring-buffer memory a subject may map, and the --mmap-pages that lets N sessions all succeed.</summary>
public sealed class MlockBudget
{
    internal MlockBudget(BudgetSubject subject, MlockAccounting a, int paranoid, string? unlimitedReason,
        int processCount, int cpuCount, long? requestedPages)
    {
        Subject = subject.Description;
        PageSize = a.PageSize;
        OnlineCpus = a.OnlineCpus;
        PerCpuLimitKb = a.PerCpuLimitKb;
        UserLimitKb = a.UserLimitPages * a.PageKb;
        MemlockLimitKb = subject.Memlock.Soft is ulong b ? (long)(b / 1024) : null;
        MemlockHardLimitKb = subject.Memlock.Hard is ulong hb ? (long)(hb / 1024) : null;
        MemlockLimitSource = subject.MemlockSource;
        ConfigurationProblems = subject.Problems.ToArray();
        CapIpcLock = subject.CapIpcLock;
        ParanoidLevel = paranoid;
        Unlimited = unlimitedReason is not null;
        UnlimitedReason = unlimitedReason;
        ProcessCount = processCount;
        CpuCount = cpuCount;
        DefaultMmapPages = a.PerfDefaultDataPages;

        if (Unlimited)
        {
            DefaultFits = true;
            Explanation = $"No limit applies: {unlimitedReason}. perf's default buffers ({DefaultMmapPages} pages per CPU) fit for any number of sessions.";
        }
        else
        {
            long best = a.LargestFittingDataPages(processCount, cpuCount);
            MmapPages = best > 0 ? best : null;
            MmapKbPerBuffer = best > 0 ? (best + 1) * a.PageKb : null;
            PerfRecordArgument = best > 0 ? $"--mmap-pages {best}" : null;
            DefaultFits = DefaultMmapPages > 0 && a.Simulate(processCount, cpuCount, DefaultMmapPages) is null;
            Explanation = best > 0
                ? $"{processCount} concurrent session(s) × {cpuCount} buffer(s) share {UserLimitKb} KiB (perf_event_mlock_kb {PerCpuLimitKb} × {OnlineCpus} CPUs) plus each process's RLIMIT_MEMLOCK; give each `perf record {PerfRecordArgument}`."
                  + (DefaultFits ? "" : $" perf's default ({DefaultMmapPages} pages) would fail.")
                : $"Not even one data page per buffer fits for {processCount} session(s) × {cpuCount} buffer(s): raise kernel.perf_event_mlock_kb or RLIMIT_MEMLOCK, or grant CAP_IPC_LOCK.";
        }

        if (requestedPages is long req)
        {
            RequestedMmapPages = req;
            MappingFailure? failure = Unlimited ? null : a.Simulate(processCount, cpuCount, req);
            Fits = failure is null;
            FirstFailure = failure is MappingFailure f ? $"process {f.Process}, buffer {f.Buffer}" : null;
            FailingProcess = failure?.Process;
            RequiredPerCpuLimitKb = failure is null ? null : a.RequiredPerCpuLimitKb(processCount, cpuCount, req);
            ShortfallKb = RequiredPerCpuLimitKb is long need ? (need - PerCpuLimitKb) * OnlineCpus : 0;
        }
    }

    public string Subject { get; }
    public int PageSize { get; }
    public int OnlineCpus { get; }
    /// <summary>kernel.perf_event_mlock_kb: the per-user allowance per CPU.</summary>
    public long PerCpuLimitKb { get; }
    /// <summary>The user's whole allowance: PerCpuLimitKb (in whole pages) × OnlineCpus, shared by all of the user's processes.</summary>
    public long UserLimitKb { get; }
    /// <summary>RLIMIT_MEMLOCK in KiB (null = unlimited): each process may go this far beyond the user's allowance.</summary>
    public long? MemlockLimitKb { get; }
    /// <summary>The hard RLIMIT_MEMLOCK in KiB (null = unlimited): how far the soft limit may be raised.</summary>
    public long? MemlockHardLimitKb { get; }
    /// <summary>Where the limit comes from: the limits.conf line, or why no line sets it.</summary>
    public string MemlockLimitSource { get; }
    /// <summary>What in the limits configuration breaks or blocks the subject's sessions.</summary>
    public string[] ConfigurationProblems { get; }
    public bool CapIpcLock { get; }
    public int ParanoidLevel { get; }
    public bool Unlimited { get; }
    public string? UnlimitedReason { get; }
    public int ProcessCount { get; }
    /// <summary>Buffers per process (perf record maps one per CPU).</summary>
    public int CpuCount { get; }
    /// <summary>The largest power-of-two data pages per buffer with which all ProcessCount × CpuCount buffers map (null when unlimited or none fits).</summary>
    public long? MmapPages { get; }
    /// <summary>KiB per buffer at MmapPages, the header page included.</summary>
    public long? MmapKbPerBuffer { get; }
    public string? PerfRecordArgument { get; }
    /// <summary>perf's default data pages per buffer on this system.</summary>
    public int DefaultMmapPages { get; }
    public bool DefaultFits { get; }
    public long? RequestedMmapPages { get; }
    public bool? Fits { get; }
    /// <summary>Where the requested size first fails, e.g. "process 2, buffer 1".</summary>
    public string? FirstFailure { get; }
    public int? FailingProcess { get; }
    /// <summary>The kernel.perf_event_mlock_kb with which the requested size would fit.</summary>
    public long? RequiredPerCpuLimitKb { get; }
    /// <summary>How many KiB the user's allowance lacks for the requested size (0 when it fits).</summary>
    public long? ShortfallKb { get; }
    public string Explanation { get; }
}
