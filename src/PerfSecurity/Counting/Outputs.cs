using PerfSecurity.Counting;

namespace PerfSecurity;

/// <summary>The families of events, as perf list groups them.</summary>
public enum PerfEventType
{
    Software,
    Hardware,
    HardwareCache,
    Pmu,
    Tracepoint,
    /// <summary>Hardware breakpoints: mem:ADDR[/LEN][:rwx].</summary>
    Breakpoint,
    /// <summary>perf's tool events (duration_time, user_time, system_time): measured by the tool, not by the kernel.</summary>
    Tool,
}

/// <summary>The privilege levels and contexts an event does not count (attr.exclude_*), as its modifiers set them.</summary>
[Flags]
public enum PerfEventExclusion
{
    None = 0,
    User = 1,
    Kernel = 2,
    Hypervisor = 4,
    Idle = 8,
    Host = 16,
    Guest = 32,
}

/// <summary>The accesses a breakpoint event (mem:) triggers on: HW_BREAKPOINT_R, _W, _X.</summary>
[Flags]
public enum PerfBreakpointAccess
{
    None = 0,
    Read = 1,
    Write = 2,
    Execute = 4,
}

/// <summary>An event this kernel knows, with the string that names it in -Event and the attributes it opens with.</summary>
public sealed class EventInfo
{
    internal EventInfo(EventDefinition definition, string[] aliases, string description, bool? supported = null)
    {
        Definition = definition;
        Aliases = aliases;
        Description = description;
        Supported = supported;
    }

    internal EventDefinition Definition { get; }

    public string Name => Definition.Name;
    public string[] Aliases { get; }
    public PerfEventType Type => Definition.Kind;
    public string Pmu => Definition.Pmu.Length > 0 ? Definition.Pmu : Definition.Kind switch
    {
        PerfEventType.Software or PerfEventType.Tool => "software",
        _ => "cpu",
    };
    /// <summary>attr.type.</summary>
    public uint PerfType => Definition.Type;
    public ulong Config => Definition.Config;
    /// <summary>attr.config1; the address of a breakpoint (bp_addr shares it).</summary>
    public ulong Config1 => Definition.Config1;
    /// <summary>attr.config2; the length of a breakpoint (bp_len shares it).</summary>
    public ulong Config2 => Definition.Config2;
    public ulong Config3 => Definition.Config3;
    /// <summary>attr.exclude_user, _kernel, _hv, _idle, _host, _guest.</summary>
    public PerfEventExclusion Exclude => (Definition.ExcludeUser ? PerfEventExclusion.User : 0) | (Definition.ExcludeKernel ? PerfEventExclusion.Kernel : 0)
        | (Definition.ExcludeHv ? PerfEventExclusion.Hypervisor : 0) | (Definition.ExcludeIdle ? PerfEventExclusion.Idle : 0)
        | (Definition.ExcludeHost ? PerfEventExclusion.Host : 0) | (Definition.ExcludeGuest ? PerfEventExclusion.Guest : 0);
    /// <summary>attr.precise_ip (p modifiers).</summary>
    public int PreciseIp => Definition.PreciseIp;
    /// <summary>attr.pinned (D modifier).</summary>
    public bool Pinned => Definition.Pinned;
    /// <summary>attr.exclusive (e modifier).</summary>
    public bool Exclusive => Definition.Exclusive;
    /// <summary>attr.bp_type of a mem: event.</summary>
    public PerfBreakpointAccess BreakpointAccess => (PerfBreakpointAccess)Definition.BreakpointType;
    /// <summary>The "=?" fields a PMU alias needs beside it (pmu/alias,field=N/); empty for events that open as listed.</summary>
    public string[] Parameters => Definition.Parameters.ToArray();
    public string Description { get; }
    public string? Unit => Definition.Unit;
    public double Scale => Definition.Scale;
    /// <summary>Whether this process could open the event; null when not tried (-Supported not given, or values still needed).</summary>
    public bool? Supported { get; }

    internal EventInfo WithSupported(bool? supported) => new(Definition, Aliases, Description, supported);

    public override string ToString() => Name;
}

/// <summary>Whether a counter session still holds its counters.</summary>
public enum CounterSessionState
{
    Running,
    Stopped,
}

/// <summary>A set of open counters on a process, CPUs or the whole system, kept by the runspace that started it.</summary>
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
    /// <summary>What is counted: "process 1234 (5 threads)", "CPU 0,1" or "system-wide (2 CPUs)".</summary>
    public string Target => TargetInfo.Description;
    public int? ProcessId => TargetInfo.ProcessId;
    public int[] Cpu => TargetInfo.Cpus;
    public string[] Events => Counters.EventNames.ToArray();
    public CounterSessionState State => Counters.IsClosed ? CounterSessionState.Stopped : CounterSessionState.Running;
    public DateTime StartTime { get; }

    internal CounterTarget TargetInfo { get; }
    internal CounterSet Counters { get; }
    internal long StartTimestamp { get; }
    internal long LastTimestamp { get; set; }
    internal Dictionary<(string Event, int? Cpu), CounterTotals> Previous { get; } = new();

    public override string ToString() => $"{Id}:{Name}";
}

/// <summary>One event's count at one moment, scaled for multiplexing the way perf stat does.</summary>
public sealed class CounterReading
{
    internal CounterReading(int? sessionId, string @event, double value, ulong rawValue, ulong timeEnabled, ulong timeRunning,
        bool counted, int? cpu, string? unit, string? metric, double? variation, DateTime timestamp)
    {
        SessionId = sessionId;
        Event = @event;
        Value = value;
        RawValue = rawValue;
        TimeEnabled = timeEnabled;
        TimeRunning = timeRunning;
        Counted = counted;
        PercentRunning = Scaling.PercentRunning(timeEnabled, timeRunning);
        Cpu = cpu;
        Unit = unit;
        Metric = metric;
        Variation = variation;
        Timestamp = timestamp;
    }

    /// <summary>The session read; null for Measure-PerfCommand.</summary>
    public int? SessionId { get; }
    public string Event { get; }
    /// <summary>RawValue × TimeEnabled / TimeRunning (× the PMU's scale); nanoseconds for task-clock and cpu-clock.</summary>
    public double Value { get; }
    public ulong RawValue { get; }
    /// <summary>Nanoseconds the counter was enabled.</summary>
    public ulong TimeEnabled { get; }
    /// <summary>Nanoseconds it was actually on the PMU.</summary>
    public ulong TimeRunning { get; }
    /// <summary>100 × running / enabled, clamped to 100 (clock events may run a little longer than enabled).</summary>
    public double PercentRunning { get; }
    /// <summary>False when the counter never ran (perf stat's &lt;not counted&gt;).</summary>
    public bool Counted { get; }
    public int? Cpu { get; }
    public string? Unit { get; }
    /// <summary>perf stat's derived figure, such as "0.998 CPUs utilized" or "1.234 K/sec".</summary>
    public string? Metric { get; }
    /// <summary>With -Repeat: the standard error of the mean in percent of the mean (perf stat's "+- x%").</summary>
    public double? Variation { get; }
    public DateTime Timestamp { get; }

    public override string ToString() => $"{Value:N0} {Event}";
}

/// <summary>What Measure-PerfCommand found: counts from the command's exec to its end, children included.</summary>
public sealed class CommandMeasurement
{
    internal CommandMeasurement(string command, int exitCode, int runs, TimeSpan elapsed, double? elapsedVariation,
        TimeSpan userTime, TimeSpan systemTime, double? cpusUtilized, CounterReading[] counters)
    {
        Command = command;
        ExitCode = exitCode;
        Runs = runs;
        Elapsed = elapsed;
        ElapsedVariation = elapsedVariation;
        UserTime = userTime;
        SystemTime = systemTime;
        CpusUtilized = cpusUtilized;
        Counters = counters;
    }

    public string Command { get; }
    /// <summary>The exit code of the last run (128 + signal when a signal ended it).</summary>
    public int ExitCode { get; }
    public int Runs { get; }
    /// <summary>Wall time (mean over the runs).</summary>
    public TimeSpan Elapsed { get; }
    /// <summary>With -Repeat: standard error of the mean wall time, in percent.</summary>
    public double? ElapsedVariation { get; }
    public TimeSpan UserTime { get; }
    public TimeSpan SystemTime { get; }
    /// <summary>task-clock / wall time, when task-clock was counted.</summary>
    public double? CpusUtilized { get; }
    public CounterReading[] Counters { get; }
}
