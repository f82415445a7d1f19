using System.Globalization;

namespace PerfSecurity.Counting;

/// <summary>Turns summed counter totals into readings: scaled values and perf stat's derived figures.</summary>
public static class Readings
{
    /// <param name="totals">The summed counts of each event, in the order the events were asked for.</param>
    /// <param name="sessionId">The counter session the readings belong to (null for a measured command).</param>
    /// <param name="wallNs">Wall time the counts cover, for "CPUs utilized".</param>
    /// <param name="timestamp">When the counts were read.</param>
    /// <param name="variations">With repeated runs: the ± percent of each total, in the same order.</param>
    public static CounterReading[] Build(IReadOnlyList<CounterTotals> totals, int? sessionId, double wallNs, DateTime timestamp,
        IReadOnlyList<double?>? variations = null)
    {
        var scaled = totals.Select(t => Scaling.Scale(t.Value, t.Enabled, t.Running)).ToArray();
        var readings = new CounterReading[totals.Count];
        for (int i = 0; i < totals.Count; i++)
        {
            CounterTotals t = totals[i];
            double value = scaled[i].Value * t.Scale;
            string? metric = null;
            if (scaled[i].Counted)
            {
                if (t.IsClock)
                {
                    if (wallNs > 0) metric = (value / wallNs).ToString("0.000", CultureInfo.InvariantCulture) + " CPUs utilized";
                }
                else if (t.Unit != "ns") // tool times (duration_time) are no rate of task-clock
                {
                    int clock = Enumerable.Range(0, totals.Count).FirstOrDefault(j => totals[j].IsClock && totals[j].Cpu == t.Cpu && scaled[j].Counted, -1);
                    if (clock >= 0 && scaled[clock].Value > 0) metric = Scaling.Rate(value, scaled[clock].Value);
                }
            }
            readings[i] = new CounterReading(sessionId, t, value, scaled[i].Counted, metric, variations?[i], timestamp);
        }
        return readings;
    }

    /// <summary>
    /// Warnings for what the kernel could not schedule as asked, which perf stat shows only as &lt;not counted&gt;: a
    /// group enabled but never on the PMU as a whole (its members are not counted, not scaled from nothing), and a
    /// pinned group or event whose read returned nothing. One warning per group.
    /// </summary>
    public static IEnumerable<string> Unscheduled(IReadOnlyList<CounterTotals> totals)
    {
        var told = new HashSet<string>(StringComparer.Ordinal);
        foreach (CounterTotals t in totals)
        {
            string what = t.Group is null ? $"'{t.Event}'" : $"the group '{t.Group}'";
            if (t.Unschedulable && told.Add(what))
                yield return $"{what} is pinned and the kernel could not put it on the PMU (its read returned nothing): not counted. Unpin it (drop the D modifier) or free the PMU's counters.";
            else if (t.Group is not null && t.Event == t.GroupLeader && t.Enabled > 0 && t.Running == 0 && !t.Unschedulable && told.Add(what))
                yield return $"{what} was enabled for {t.Enabled / 1e6:0.###} ms but never on the PMU as a whole: the kernel schedules a group only when all its events fit at once. Its events were not counted; split the group or count fewer events together.";
        }
    }
}
