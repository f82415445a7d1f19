using System.Globalization;
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

/// <summary>Who opens the events of a descriptor budget.</summary>
[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))] // by name in JSON and (Types.ps1xml) in CliXML/remoting
public enum DescriptorOpener
{
    /// <summary>A perf process started from the subject: it inherits the subject's descriptors that lack close-on-exec.</summary>
    Perf,
    /// <summary>The subject process itself (such as this module's Start-PerfCounterSession): all its descriptors count.</summary>
    Process,
}

/// <summary>
/// The file descriptors a perf session needs against RLIMIT_NOFILE. A new descriptor takes the lowest free
/// number, and opening fails with EMFILE once no number below the soft limit is free: what counts is how many
/// numbers below the limit are taken before the events are opened. A perf process holds the descriptors it
/// inherits and, when it starts the command itself (perf stat/record -- cmd), the write end of the pipe that
/// releases the command once the events are enabled (evlist__prepare_workload).
/// </summary>
public sealed class FileDescriptorBudget
{
    internal FileDescriptorBudget(BudgetSubject subject, long required, int events, int cpus, int threads,
        DescriptorOpener opener, int[] taken, string takenBy, int own)
    {
        Subject = subject.Description;
        Required = required;
        EventCount = events;
        CpuCount = cpus;
        ThreadCount = threads;
        Opener = opener;
        SoftLimit = subject.OpenFiles.Soft is ulong s ? (long)Math.Min(s, long.MaxValue) : null;
        HardLimit = subject.OpenFiles.Hard is ulong h ? (long)Math.Min(h, long.MaxValue) : null;
        LimitSource = subject.OpenFilesSource;
        ConfigurationProblems = subject.Problems.ToArray();
        OwnDescriptors = own;
        InUse = taken.Length + own;

        // Free numbers below a limit once the taken ones and perf's own (which take the lowest free numbers) are out.
        long FreeBelow(long limit) => Math.Max(0, limit - taken.Count(fd => fd < limit) - own);
        long recommended = required + own;
        while (FreeBelow(recommended) < required) recommended++;
        RecommendedLimit = recommended;
        Available = SoftLimit is long soft ? FreeBelow(soft) : null;
        Sufficient = SoftLimit is null || FreeBelow(SoftLimit.Value) >= required;
        long perEvent = (long)cpus * threads;
        MaxEventCount = SoftLimit is long limit ? FreeBelow(limit) / perEvent : null;
        // perf raises its soft limit to the hard one by itself before giving up (rlimit__increase_nofile).
        SufficientAfterRaise = HardLimit is null || FreeBelow(HardLimit.Value) >= required;
        if (!Sufficient)
        {
            UlimitCommand = $"ulimit -n {recommended}";
            LimitsConfLine = $"@perf_users  {(SufficientAfterRaise ? "soft" : "-")}  nofile  {recommended}";
        }
        string ownText = own > 0 ? $", {own} of perf's own (the pipe that starts the command)" : "";
        Explanation = $"{events} event(s) × {cpus} CPU(s) × {threads} thread(s) = {required} descriptors, next to {taken.Length} {takenBy}{ownText}"
            + $"; soft limit {SoftLimit?.ToString(CultureInfo.InvariantCulture) ?? "unlimited"}, hard limit {HardLimit?.ToString(CultureInfo.InvariantCulture) ?? "unlimited"}."
            + (Sufficient ? " Enough." : SufficientAfterRaise ? " perf raises the soft limit to the hard one itself; other tools need `ulimit -n`." : " Raise the hard limit in limits.d.");
    }

    public string Subject { get; }
    /// <summary>Descriptors for the events: EventCount × CpuCount × ThreadCount.</summary>
    public long Required { get; }
    public int EventCount { get; }
    public int CpuCount { get; }
    public int ThreadCount { get; }
    /// <summary>Who opens the events: a perf process started from the subject, or the subject process itself.</summary>
    public DescriptorOpener Opener { get; }
    public long? SoftLimit { get; }
    public long? HardLimit { get; }
    public string LimitSource { get; }
    /// <summary>Descriptors taken when the events are opened: inherited (or, for the process itself, all open ones) plus perf's own.</summary>
    public int InUse { get; }
    /// <summary>Descriptors perf opens for itself before the events (1: the pipe that starts the command).</summary>
    public int OwnDescriptors { get; }
    /// <summary>Descriptors that can still be opened for events under the soft limit.</summary>
    public long? Available { get; }
    /// <summary>How many events of this shape (× CPUs × threads) fit under the soft limit.</summary>
    public long? MaxEventCount { get; }
    public bool Sufficient { get; }
    public bool SufficientAfterRaise { get; }
    /// <summary>The smallest soft limit with which the session's descriptors can all be opened.</summary>
    public long RecommendedLimit { get; }
    public string? UlimitCommand { get; }
    public string? LimitsConfLine { get; }
    /// <summary>What in the limits configuration breaks or blocks the subject's sessions.</summary>
    public string[] ConfigurationProblems { get; }
    public string Explanation { get; }
}
