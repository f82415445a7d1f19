using System.Globalization;
using PerfSecurity.Resources;

namespace PerfSecurity;

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
