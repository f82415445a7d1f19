using PerfSecurity.Counting;

namespace PerfSecurity;

/// <summary>A set of open counters on a process, CPUs, the whole system or a cgroup, kept by the runspace that started it.</summary>
public sealed class CounterSession
{
    internal CounterSession(int id, string name, CounterTarget target, CounterSet counters)
    {
        Id = id;
        Name = name;
        TargetInfo = target;
        Counters = counters;
        StartTime = DateTime.Now;
        StartTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        LastTimestamp = StartTimestamp;
    }

    public int Id { get; }
    public string Name { get; }
    /// <summary>What is counted: "process 1234 (5 threads)", "CPU 0,1", "system-wide (2 CPUs)" or "cgroup /sys/fs/cgroup/unified/web (2 CPUs)".</summary>
    public string Target => TargetInfo.Description;
    public int? ProcessId => TargetInfo.ProcessId;
    public int[] Cpu => TargetInfo.Cpus;
    /// <summary>The cgroup counted (its directory), for sessions started with -Cgroup.</summary>
    public string? Cgroup => TargetInfo.Cgroup?.Path;
    public string[] Events => Counters.EventNames.ToArray();
    /// <summary>The groups of events counted together, as written ({task-clock,page-faults}); empty when every event is counted alone.</summary>
    public string[] Groups => Counters.Groups.Where(g => g.IsGroup).Select(g => g.Text!).ToArray();
    public CounterSessionState State => Counters.IsClosed ? CounterSessionState.Stopped : CounterSessionState.Running;
    public DateTime StartTime { get; }

    internal CounterTarget TargetInfo { get; }
    internal CounterSet Counters { get; }
    internal long StartTimestamp { get; }
    internal long LastTimestamp { get; set; }
    /// <summary>The last reading of each event (by its slot) and CPU, for -Delta and -Interval.</summary>
    internal Dictionary<(int Slot, int? Cpu), CounterTotals> Previous { get; } = new();

    public override string ToString() => $"{Id}:{Name}";
}
