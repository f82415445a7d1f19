namespace PerfSecurity.Counting;

/// <summary>perf stat's multiplexing correction (perf_counts_values__scale) and repeat statistics.</summary>
public static class Scaling
{
    /// <summary>
    /// run 0 (or enabled 0) → not counted; run ≥ ena → unchanged (running may exceed enabled slightly
    /// for clock events); otherwise val × ena / run in double, as perf does.
    /// </summary>
    public static (double Value, bool Counted) Scale(ulong value, ulong enabled, ulong running)
    {
        if (running == 0 || enabled == 0) return (0, false);
        if (running >= enabled) return (value, true);
        return (value * (double)enabled / running, true);
    }

    public static double PercentRunning(ulong enabled, ulong running)
        => enabled == 0 ? 0 : Math.Min(100.0, 100.0 * running / enabled);

    /// <summary>Mean and standard error of the mean in percent of the mean (perf stat -r's "+- x%"), by Welford.</summary>
    public static (double Mean, double? VariationPercent) MeanAndError(IReadOnlyList<double> samples)
    {
        if (samples.Count == 0) return (0, null);
        double mean = 0, m2 = 0;
        for (int i = 0; i < samples.Count; i++)
        {
            double delta = samples[i] - mean;
            mean += delta / (i + 1);
            m2 += delta * (samples[i] - mean);
        }
        if (samples.Count < 2) return (mean, null);
        double stddevOfMean = Math.Sqrt(m2 / (samples.Count - 1) / samples.Count);
        return (mean, mean == 0 ? 0 : 100.0 * stddevOfMean / mean);
    }

    /// <summary>perf stat's rate metric for a count over task-clock nanoseconds: "/sec", "K/sec", "M/sec", "G/sec".</summary>
    public static string Rate(double count, double taskClockNs)
    {
        double perSecond = taskClockNs > 0 ? 1e9 * count / taskClockNs : 0;
        return perSecond switch
        {
            >= 1e9 => $"{perSecond / 1e9:0.000} G/sec",
            >= 1e6 => $"{perSecond / 1e6:0.000} M/sec",
            >= 1e3 => $"{perSecond / 1e3:0.000} K/sec",
            _ => $"{perSecond:0.000} /sec",
        };
    }
}
