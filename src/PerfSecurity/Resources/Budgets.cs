using PerfSecurity.Resources;
using System.Globalization;

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
        MemlockLimitKb = subject.MemlockLimitBytes is ulong b ? (long)(b / 1024) : null;
        MemlockLimitSource = subject.MemlockSource;
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
    public string MemlockLimitSource { get; }
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

/// <summary>The file descriptors a perf session needs against RLIMIT_NOFILE.</summary>
public sealed class FileDescriptorBudget
{
    // Room for what a login has open besides its perf events (stdio, libraries, logs), where it cannot be counted.
    private const int Headroom = 64;

    internal FileDescriptorBudget(BudgetSubject subject, long required, int events, int cpus, int threads, int[]? openFds)
    {
        Subject = subject.Description;
        Required = required;
        EventCount = events;
        CpuCount = cpus;
        ThreadCount = threads;
        SoftLimit = subject.OpenFiles.Soft is ulong s ? (long)Math.Min(s, long.MaxValue) : null;
        HardLimit = subject.OpenFiles.Hard is ulong h ? (long)Math.Min(h, long.MaxValue) : null;
        LimitSource = subject.OpenFilesSource;
        InUse = openFds?.Length;

        // A new descriptor takes the lowest free number below the soft limit, so what counts is how many
        // numbers below a limit are still free; descriptors numbered above it take no room.
        long FreeBelow(long limit) => openFds is null ? limit - Headroom : limit - openFds.Count(fd => fd < limit);
        long recommended = required;
        while (FreeBelow(recommended) < required) recommended++;
        RecommendedLimit = recommended;
        Available = SoftLimit is long soft ? Math.Max(0, FreeBelow(soft)) : null;
        Sufficient = SoftLimit is null || FreeBelow(SoftLimit.Value) >= required;
        // perf raises its soft limit to the hard one by itself before giving up.
        SufficientAfterRaise = HardLimit is null || FreeBelow(HardLimit.Value) >= required;
        if (!Sufficient)
        {
            UlimitCommand = $"ulimit -n {recommended}";
            LimitsConfLine = $"@perf_users  {(SufficientAfterRaise ? "soft" : "-")}  nofile  {recommended}";
        }
        Explanation = $"{events} event(s) × {cpus} CPU(s) × {threads} thread(s) = {required} descriptors"
            + (InUse is int u ? $", next to {u} already open" : $", plus about {Headroom} for everything else")
            + $"; soft limit {SoftLimit?.ToString(CultureInfo.InvariantCulture) ?? "unlimited"}, hard limit {HardLimit?.ToString(CultureInfo.InvariantCulture) ?? "unlimited"}."
            + (Sufficient ? " Enough." : SufficientAfterRaise ? " perf raises the soft limit to the hard one itself; other tools need `ulimit -n`." : " Raise the hard limit in limits.d.");
    }

    public string Subject { get; }
    public long Required { get; }
    public int EventCount { get; }
    public int CpuCount { get; }
    public int ThreadCount { get; }
    public long? SoftLimit { get; }
    public long? HardLimit { get; }
    public string LimitSource { get; }
    /// <summary>Descriptors the process already has open (null for a user's next login).</summary>
    public int? InUse { get; }
    /// <summary>Descriptors that can still be opened under the soft limit.</summary>
    public long? Available { get; }
    public bool Sufficient { get; }
    public bool SufficientAfterRaise { get; }
    /// <summary>The smallest soft limit with which the session's descriptors can all be opened.</summary>
    public long RecommendedLimit { get; }
    public string? UlimitCommand { get; }
    public string? LimitsConfLine { get; }
    public string Explanation { get; }
}
