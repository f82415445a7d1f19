using System.Globalization;
using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using PerfSecurity.Native;
using PerfSecurity.Settings;
using PerfSecurity.Users;

namespace PerfSecurity.Resources;

/// <summary>Computes the mlock and file-descriptor budgets of the kernel document's "Resource control" section.</summary>
public static class ResourceBudgets
{
    public static int OnlineCpus(string root = "/")
    {
        string path = Path.Combine(root, "sys/devices/system/cpu/online");
        return IO.BoundedFile.TryReadAllText(path, IO.BoundedFile.KernelValueLimit) is { } list ? CountCpuList(list) : Environment.ProcessorCount;
    }

    /// <summary>Counts a CPU list such as "0-3,8,10-11".</summary>
    public static int CountCpuList(string list)
    {
        int count = 0;
        foreach (string part in list.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] range = part.Split('-');
            if (range.Length == 2 && int.TryParse(range[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int a) && int.TryParse(range[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int b) && b >= a) count += b - a + 1;
            else if (range.Length == 1 && int.TryParse(range[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out _)) count++;
        }
        return count;
    }

    public static BudgetSubject ForProcess(int pid)
    {
        var status = ProcessCapabilities.Read(pid)
            ?? throw new PerfSecurityException("PerfProcessNotFound", FailureKind.ObjectNotFound, $"There is no process {pid} (or it is hidden from this user).", pid);
        var limits = ProcessLimits.Read(pid);
        limits.TryGetValue(ProcessLimits.MaxLockedMemory, out LimitPair memlock);
        limits.TryGetValue(ProcessLimits.MaxOpenFiles, out LimitPair nofile);
        string source = $"/proc/{pid}/limits";
        return new BudgetSubject($"process {pid} ({status.Name}, {UserNames.Of(status.EffectiveUid)})", status.EffectiveUid,
            memlock, source, nofile, source, status.Effective.Contains(CapabilityTable.IpcLock), pid, Array.Empty<string>());
    }

    /// <summary>
    /// A user's next login: pam_limits' configuration on top of what the session starts from (Debian: PID 1's
    /// limits), as the process that opens the session (<paramref name="parentProcessId"/>; default a root service
    /// such as sshd) can set it; CAP_IPC_LOCK from the file capabilities of the perf binary they run, when given.
    /// </summary>
    public static BudgetSubject ForUser(string userName, string? filePath, int? parentProcessId = null, string root = "/")
    {
        var user = AccountName.RequireUser(userName, "-UserName", "PerfUserNotFound");
        uint[] gids = Accounts.GroupIdsOf(user.Name, user.Gid);
        var pam = new PamUser(user.Name, user.Uid, user.Gid,
            name => Accounts.GroupByName(name) is { } g && (g.Gid == user.Gid || gids.Contains(g.Gid)),
            gid => gid == user.Gid || gids.Contains(gid));
        var config = LimitsConfiguration.Load(root);
        SessionOpener? opener = parentProcessId is int ppid ? SessionOpener.FromProcess(ppid) : null;

        // limits.conf counts memlock in KiB; the result is in bytes.
        var memlock = SessionLimits.Resolve(config, "memlock", pam, opener, root);
        var nofile = SessionLimits.Resolve(config, "nofile", pam, opener, root);

        bool ipcLock = false;
        string description = $"user {user.Name}";
        if (filePath is not null)
        {
            var caps = FileCapabilities.Read(filePath);
            ipcLock = caps is { Effective: true } && caps.Permitted.Contains(CapabilityTable.IpcLock);
            description += $" running {filePath}";
        }
        if (opener is not null) description += $", session opened by {opener.Description}";
        return new BudgetSubject(description, user.Uid, memlock.Limit, memlock.Source, nofile.Limit, nofile.Source, ipcLock, null, config.Problems);
    }

    public static MlockBudget MeasureMlock(BudgetSubject subject, int processCount, int? cpuCount, long? mmapPages, string root = "/")
    {
        if (processCount < 1)
            throw new PerfSecurityException("PerfBudgetInvalidProcessCount", FailureKind.InvalidArgument, "ProcessCount must be at least 1.", processCount);
        if (cpuCount is < 1)
            throw new PerfSecurityException("PerfBudgetInvalidCpuCount", FailureKind.InvalidArgument, "CpuCount must be at least 1.", cpuCount);
        if (mmapPages is < 1)
            throw new PerfSecurityException("PerfBudgetInvalidMmapPages", FailureKind.InvalidArgument, "MmapPages must be at least 1 (perf rounds it up to a power of two).", mmapPages);

        int online = OnlineCpus(root);
        long mlockKb = Sysctl.ReadInt("kernel.perf_event_mlock_kb", root) ?? 516;
        int paranoid = Sysctl.ReadInt(Sysctl.ParanoidKey, root) ?? 2;
        var accounting = new MlockAccounting(Environment.SystemPageSize, online, mlockKb, subject.MemlockLimitBytes);

        string? unlimitedReason = subject.CapIpcLock
            ? subject.Uid == 0 ? "root (has CAP_IPC_LOCK)" : "CAP_IPC_LOCK"
            : paranoid <= -1 ? "kernel.perf_event_paranoid is -1"
            : subject.MemlockLimitBytes is null ? "RLIMIT_MEMLOCK is unlimited" : null;
        return new MlockBudget(subject, accounting, paranoid, unlimitedReason, processCount, cpuCount ?? online,
            mmapPages is long p ? MlockAccounting.RoundUpToPowerOfTwo(p) : null);
    }

    public static FileDescriptorBudget MeasureFileDescriptors(BudgetSubject subject, int eventCount, int? cpuCount, int? threadCount,
        DescriptorOpener opener = DescriptorOpener.Perf, bool startsCommand = true, string root = "/")
    {
        if (eventCount < 1)
            throw new PerfSecurityException("PerfBudgetInvalidEventCount", FailureKind.InvalidArgument, "EventCount must be at least 1.", eventCount);
        if (cpuCount is < 1 || threadCount is < 1)
            throw new PerfSecurityException("PerfBudgetInvalidCount", FailureKind.InvalidArgument, "CpuCount and ThreadCount must be at least 1.", cpuCount ?? threadCount);
        // System-wide: one descriptor per event and CPU; per-thread: per event and thread; both given: per event, CPU and thread.
        int cpus = cpuCount ?? (threadCount is null ? OnlineCpus(root) : 1);
        int threads = threadCount ?? 1;
        int[] taken;
        string takenBy;
        if (subject.ProcessId is int pid)
        {
            taken = opener == DescriptorOpener.Process ? ProcessLimits.OpenFileNumbers(pid) : ProcessLimits.InheritedFileNumbers(pid);
            takenBy = opener == DescriptorOpener.Process ? $"open in process {pid}" : $"inherited from process {pid} (those without close-on-exec)";
        }
        else
        {
            // A login shell hands perf its standard input, output and error.
            taken = new[] { 0, 1, 2 };
            takenBy = "inherited from the login shell (standard input, output and error)";
        }
        // perf stat/record -- cmd keeps the write end of the pipe that releases the command until the events are enabled.
        int own = opener == DescriptorOpener.Perf && startsCommand ? 1 : 0;
        return new FileDescriptorBudget(subject, (long)eventCount * cpus * threads, eventCount, cpus, threads, opener, taken, takenBy, own);
    }
}
