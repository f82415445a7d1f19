namespace PerfSecurity;

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
