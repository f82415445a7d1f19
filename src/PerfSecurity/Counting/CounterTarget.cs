using System.Globalization;
using PerfSecurity.Errors;

namespace PerfSecurity.Counting;

public enum CounterTargetKind
{
    Process,
    Cpu,
    SystemWide,
    /// <summary>The tasks of one cgroup, counted on each CPU (PERF_FLAG_PID_CGROUP, perf stat -G).</summary>
    Cgroup,
}

/// <summary>
/// Where counters are opened: every thread of a process (pid = tid, cpu = -1), CPUs (pid = -1), or a cgroup on
/// CPUs (pid = the cgroup directory's descriptor).
/// </summary>
public sealed class CounterTarget
{
    private CounterTarget(CounterTargetKind kind, int? processId, int[] cpus, CgroupDirectory? cgroup = null)
    {
        Kind = kind;
        ProcessId = processId;
        Cpus = cpus;
        Cgroup = cgroup;
    }

    public CounterTargetKind Kind { get; }
    public int? ProcessId { get; }
    public int[] Cpus { get; }
    public int ThreadCount { get; private set; }
    /// <summary>The cgroup counted; its descriptor is needed only while the counters are opened.</summary>
    public CgroupDirectory? Cgroup { get; }

    /// <summary>Every counter sees all tasks on its CPU (the kernel's CPU-wide permission rule applies).</summary>
    public bool IsCpuWide => Kind != CounterTargetKind.Process;

    public string Description => Kind switch
    {
        CounterTargetKind.Process => $"process {ProcessId} ({ThreadCount} thread{(ThreadCount == 1 ? "" : "s")})",
        CounterTargetKind.Cpu => $"CPU {FormatCpuList(Cpus)}",
        CounterTargetKind.Cgroup => $"cgroup {Cgroup!.Path} ({Cpus.Length} CPU{(Cpus.Length == 1 ? "" : "s")})",
        _ => $"system-wide ({Cpus.Length} CPU{(Cpus.Length == 1 ? "" : "s")})",
    };

    public static CounterTarget ForProcess(int pid)
    {
        if (pid <= 0)
            throw new PerfSecurityException("PerfCounterBadProcessId", FailureKind.InvalidArgument, $"{pid} is not a process id.", pid);
        return new CounterTarget(CounterTargetKind.Process, pid, Array.Empty<int>());
    }

    public static CounterTarget ForCpus(IEnumerable<int> cpus, string onlineFile = OnlineFile)
    {
        int[] online = OnlineCpus(onlineFile);
        int[] wanted = cpus.Distinct().Order().ToArray();
        foreach (int c in wanted)
        {
            if (!online.Contains(c))
                throw new PerfSecurityException("PerfCounterCpuOffline", FailureKind.InvalidArgument,
                    $"CPU {c} is not online. Online CPUs: {FormatCpuList(online)}.", c);
        }
        return new CounterTarget(CounterTargetKind.Cpu, null, wanted);
    }

    public static CounterTarget SystemWide(string onlineFile = OnlineFile)
        => new(CounterTargetKind.SystemWide, null, OnlineCpus(onlineFile));

    /// <summary>The tasks of a cgroup on the given CPUs, or on every online CPU as perf stat -a -G counts.</summary>
    public static CounterTarget ForCgroup(CgroupDirectory cgroup, IEnumerable<int>? cpus = null, string onlineFile = OnlineFile)
    {
        int[] chosen = cpus is null ? OnlineCpus(onlineFile) : ForCpus(cpus, onlineFile).Cpus;
        return new CounterTarget(CounterTargetKind.Cgroup, null, chosen, cgroup);
    }

    /// <summary>The (pid, cpu) pairs to open each event on; for a process, its tgid first, then each thread.</summary>
    public IReadOnlyList<(int Pid, int Cpu)> Placements()
    {
        if (Kind != CounterTargetKind.Process) return Cpus.Select(c => (-1, c)).ToList();
        int pid = ProcessId!.Value;
        var tids = new List<int> { pid };
        try
        {
            foreach (string dir in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int tid) && tid != pid)
                    tids.Add(tid);
            }
        }
        catch (DirectoryNotFoundException)
        {
            throw new PerfSecurityException("PerfCounterProcessNotFound", FailureKind.ObjectNotFound, $"There is no process {pid}.", pid);
        }
        ThreadCount = tids.Count;
        return tids.Select(t => (t, -1)).ToList();
    }

    /// <summary>
    /// Whether a process target has ended (gone, or a zombie whose counters will not move again), as perf stat -p
    /// stops; CPUs and cgroups never end.
    /// </summary>
    public bool HasEnded()
    {
        if (Kind != CounterTargetKind.Process) return false;
        string stat;
        try { stat = File.ReadAllText($"/proc/{ProcessId}/stat"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return true; }
        // "pid (comm) S ...": the state follows the last ')' (a name may hold parentheses).
        int close = stat.LastIndexOf(')');
        return close < 0 || close + 2 >= stat.Length || stat[close + 2] is 'Z' or 'X';
    }

    public const string OnlineFile = "/sys/devices/system/cpu/online";

    public static int[] OnlineCpus(string onlineFile = OnlineFile)
        => File.Exists(onlineFile) ? ParseCpuList(File.ReadAllText(onlineFile)) : Enumerable.Range(0, Environment.ProcessorCount).ToArray();

    /// <summary>Parses a kernel CPU list such as "0-3,8,10-11".</summary>
    public static int[] ParseCpuList(string text)
    {
        var cpus = new SortedSet<int>();
        foreach (string part in text.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] ends = part.Split('-');
            int low = int.Parse(ends[0], CultureInfo.InvariantCulture), high = int.Parse(ends[^1], CultureInfo.InvariantCulture);
            for (int c = low; c <= high; c++) cpus.Add(c);
        }
        return cpus.ToArray();
    }

    public static string FormatCpuList(IReadOnlyList<int> cpus)
    {
        var parts = new List<string>();
        for (int i = 0; i < cpus.Count;)
        {
            int j = i;
            while (j + 1 < cpus.Count && cpus[j + 1] == cpus[j] + 1) j++;
            parts.Add(j == i ? cpus[i].ToString(CultureInfo.InvariantCulture) : $"{cpus[i]}-{cpus[j]}");
            i = j + 1;
        }
        return string.Join(",", parts);
    }
}
