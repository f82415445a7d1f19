namespace PerfSecurity;

/// <summary>
/// What was counted in one interval of Read-PerfCounter -Interval or Measure-PerfCommand -Interval (perf stat -I):
/// each counter's increase over the interval, with its enabled and running time in that interval.
/// </summary>
public sealed class CounterInterval
{
    internal CounterInterval(int? sessionId, int number, TimeSpan time, TimeSpan duration, CounterReading[] counters)
    {
        SessionId = sessionId;
        Number = number;
        Time = time;
        Duration = duration;
        Counters = counters;
    }

    /// <summary>The session read; null for Measure-PerfCommand.</summary>
    public int? SessionId { get; }
    /// <summary>1 for the first interval.</summary>
    public int Number { get; }
    /// <summary>When the interval ended, from the start of interval counting (perf stat -I's time column).</summary>
    public TimeSpan Time { get; }
    /// <summary>How long the interval lasted (the last one of a command ends with it, so it may be shorter).</summary>
    public TimeSpan Duration { get; }
    /// <summary>The counts of the interval (deltas); CPUs utilized and rates are over its duration.</summary>
    public CounterReading[] Counters { get; }

    public override string ToString() => $"{Time.TotalSeconds:0.000000000} s: {Counters.Length} counters";
}
