using System.Diagnostics;

namespace PerfSecurity.Counting;

/// <summary>
/// perf stat -I: turns successive readings of the same counters into intervals, each holding what was counted since
/// the reading before (values and enabled and running times as deltas), with rates over the interval's length.
/// </summary>
public sealed class IntervalCounter
{
    private readonly int? _sessionId;
    private readonly long _start;
    private IReadOnlyList<CounterTotals>? _previous;
    private long _last;
    private int _number;

    /// <param name="sessionId">The session the intervals are of; null for a measured command.</param>
    /// <param name="start">The readings the first interval counts from; null when the counters start from zero.</param>
    /// <param name="startTimestamp">When interval counting began (a Stopwatch timestamp).</param>
    public IntervalCounter(int? sessionId, IReadOnlyList<CounterTotals>? start, long startTimestamp)
    {
        _sessionId = sessionId;
        _previous = start;
        _start = _last = startTimestamp;
    }

    /// <summary>The interval that ends with <paramref name="now"/> (read at <paramref name="timestamp"/>).</summary>
    public CounterInterval Next(IReadOnlyList<CounterTotals> now, long timestamp)
    {
        var delta = new CounterTotals[now.Count];
        for (int i = 0; i < now.Count; i++)
            delta[i] = _previous is not null && i < _previous.Count && _previous[i].Slot == now[i].Slot && _previous[i].Cpu == now[i].Cpu ? now[i].Minus(_previous[i]) : now[i];
        TimeSpan duration = Stopwatch.GetElapsedTime(_last, timestamp);
        var interval = new CounterInterval(_sessionId, ++_number, Stopwatch.GetElapsedTime(_start, timestamp), duration,
            Readings.Build(delta, _sessionId, duration.TotalNanoseconds, DateTime.Now));
        _previous = now;
        _last = timestamp;
        return interval;
    }
}
