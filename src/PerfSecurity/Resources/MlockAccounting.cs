namespace PerfSecurity.Resources;

/// <summary>
/// The kernel's accounting of perf ring buffers (perf_mmap): each buffer charges its pages (data + 1 header)
/// to the user's locked_vm up to perf_event_mlock_kb × online CPUs; what goes beyond is charged to the
/// mapping process's pinned_vm, and fails with EPERM once that exceeds RLIMIT_MEMLOCK — unless the process
/// has CAP_IPC_LOCK or perf_event_paranoid is -1.
/// </summary>
public sealed class MlockAccounting
{
    public MlockAccounting(int pageSize, int onlineCpus, long perCpuLimitKb, ulong? memlockLimitBytes)
    {
        PageSize = pageSize;
        OnlineCpus = onlineCpus;
        PerCpuLimitKb = perCpuLimitKb;
        MemlockLimitBytes = memlockLimitBytes;
        // As the kernel computes it: KiB shifted to pages, then times the online CPUs.
        UserLimitPages = Math.Max(0, perCpuLimitKb) / (pageSize / 1024) * onlineCpus;
        MemlockLimitPages = memlockLimitBytes is ulong b ? (long)Math.Min(b / (ulong)pageSize, long.MaxValue) : long.MaxValue;
    }

    public int PageSize { get; }
    public int OnlineCpus { get; }
    public long PerCpuLimitKb { get; }
    public ulong? MemlockLimitBytes { get; }
    public long UserLimitPages { get; }
    public long MemlockLimitPages { get; }
    public int PageKb => PageSize / 1024;

    /// <summary>perf's default data pages per buffer: (mlock_kb − one page) in pages, rounded down to a power of two.</summary>
    public int PerfDefaultDataPages
    {
        get
        {
            long pages = Math.Max(0, PerCpuLimitKb - PageKb) * 1024 / PageSize;
            return pages <= 0 ? 0 : (int)RoundDownToPowerOfTwo(pages);
        }
    }

    /// <summary>
    /// Maps <paramref name="buffersPerProcess"/> buffers of <paramref name="dataPages"/> data pages in each of
    /// <paramref name="processCount"/> processes of one user, one process after the other, and returns the first
    /// mapping the kernel would refuse (null when all succeed). Assumes the user has nothing else locked.
    /// </summary>
    public MappingFailure? Simulate(int processCount, int buffersPerProcess, long dataPages)
    {
        long userLocked = 0;
        long pagesPerBuffer = dataPages + 1;
        for (int p = 1; p <= processCount; p++)
        {
            long pinned = 0;
            for (int b = 1; b <= buffersPerProcess; b++)
            {
                long charged = Math.Min(userLocked, UserLimitPages) + pagesPerBuffer;
                long extra = Math.Max(0, charged - UserLimitPages);
                if (pinned + extra > MemlockLimitPages) return new MappingFailure(p, b);
                userLocked += pagesPerBuffer - extra;
                pinned += extra;
            }
        }
        return null;
    }

    /// <summary>The largest power-of-two data pages per buffer for which every mapping succeeds, or 0 when not even one page does.</summary>
    public long LargestFittingDataPages(int processCount, int buffersPerProcess)
    {
        long best = 0;
        for (long pages = 1; pages <= 1L << 40; pages <<= 1)
        {
            if (Simulate(processCount, buffersPerProcess, pages) is not null) break;
            best = pages;
        }
        return best;
    }

    /// <summary>
    /// The smallest kernel.perf_event_mlock_kb (whole pages per CPU) with which every mapping of the
    /// requested size succeeds, everything else unchanged.
    /// </summary>
    public long RequiredPerCpuLimitKb(int processCount, int buffersPerProcess, long dataPages)
    {
        long low = PerCpuLimitKb, high = Math.Max(PerCpuLimitKb, PageKb);
        while (With(high).Simulate(processCount, buffersPerProcess, dataPages) is not null)
        {
            low = high;
            high *= 2;
        }
        // Binary search over whole pages: the kernel rounds the setting down to pages.
        while (high - low > PageKb)
        {
            long mid = (low + high) / 2 / PageKb * PageKb;
            if (mid <= low) break;
            if (With(mid).Simulate(processCount, buffersPerProcess, dataPages) is null) high = mid; else low = mid;
        }
        return high;
    }

    private MlockAccounting With(long perCpuLimitKb) => new(PageSize, OnlineCpus, perCpuLimitKb, MemlockLimitBytes);

    public static long RoundDownToPowerOfTwo(long n)
    {
        long p = 1;
        while (p * 2 <= n) p *= 2;
        return p;
    }

    public static long RoundUpToPowerOfTwo(long n)
    {
        long p = 1;
        while (p < n) p *= 2;
        return p;
    }
}
