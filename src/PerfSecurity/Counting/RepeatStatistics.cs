namespace PerfSecurity.Counting;

/// <summary>perf stat -r: the runs of a command summed up as means with their standard error.</summary>
public static class RepeatStatistics
{
    public static CommandMeasurement Summarize(string command, IReadOnlyList<CommandRun> runs)
    {
        if (runs.Count == 0) throw new ArgumentException("At least one run is needed.", nameof(runs));
        int n = runs.Count;
        var (elapsedMean, elapsedVar) = Scaling.MeanAndError(runs.Select(r => r.Elapsed.TotalNanoseconds).ToList());
        var totals = new List<CounterTotals>();
        var variations = new List<double?>();
        for (int e = 0; e < runs[0].Totals.Count; e++)
        {
            // perf stat -r averages the scaled values; the mean of val/ena/run keeps the reading self-consistent.
            var perRun = runs.Select(r => r.Totals[e]).ToList();
            var (mean, variation) = Scaling.MeanAndError(perRun.Select(t => Scaling.Scale(t.Value, t.Enabled, t.Running).Value).ToList());
            CounterTotals first = perRun[0];
            ulong enabled = (ulong)perRun.Average(t => (double)t.Enabled), running = (ulong)perRun.Average(t => (double)t.Running);
            ulong value = running == 0 ? 0 : running >= enabled ? (ulong)Math.Round(mean) : (ulong)Math.Round(mean * running / enabled);
            totals.Add(first with { Value = value, Enabled = enabled, Running = running, Unschedulable = perRun.Any(t => t.Unschedulable) });
            variations.Add(n > 1 ? variation : null);
        }
        CounterReading[] readings = Readings.Build(totals, null, elapsedMean, DateTime.Now, variations);
        CounterReading? clock = readings.FirstOrDefault(r => r.Unit == "ns" && r.Counted && r.Event.StartsWith("task-clock", StringComparison.Ordinal));
        double? cpus = clock is not null && elapsedMean > 0 ? clock.Value / elapsedMean : null;
        return new CommandMeasurement(command, runs[^1].ExitCode, n, TimeSpan.FromTicks((long)(elapsedMean / 100)), n > 1 ? elapsedVar : null,
            TimeSpan.FromTicks((long)runs.Average(r => r.UserTime.Ticks)), TimeSpan.FromTicks((long)runs.Average(r => r.SystemTime.Ticks)), cpus, readings);
    }
}
