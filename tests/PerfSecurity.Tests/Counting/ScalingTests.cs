using PerfSecurity.Counting;
using Xunit;

namespace PerfSecurity.Tests.Counting;

public sealed class ScalingTests
{
    [Theory]
    [InlineData(1000UL, 100UL, 100UL, 1000.0, true)]   // always on the PMU
    [InlineData(1000UL, 100UL, 50UL, 2000.0, true)]    // half the time: doubled
    [InlineData(300UL, 1000UL, 250UL, 1200.0, true)]
    [InlineData(98196UL, 97915UL, 98196UL, 98196.0, true)] // running a little over enabled: unchanged
    [InlineData(5UL, 100UL, 0UL, 0.0, false)]          // never ran: not counted
    [InlineData(0UL, 0UL, 0UL, 0.0, false)]
    public void Scales_like_perf_stat(ulong value, ulong enabled, ulong running, double expected, bool counted)
    {
        var (v, c) = Scaling.Scale(value, enabled, running);
        Assert.Equal(expected, v, 6);
        Assert.Equal(counted, c);
    }

    [Fact]
    public void Large_counts_do_not_overflow()
    {
        var (v, _) = Scaling.Scale(ulong.MaxValue / 2, ulong.MaxValue / 4, ulong.MaxValue / 8);
        Assert.Equal(ulong.MaxValue, v, 1e6);
    }

    [Theory]
    [InlineData(100UL, 50UL, 50.0)]
    [InlineData(97915UL, 98196UL, 100.0)]
    [InlineData(0UL, 0UL, 0.0)]
    public void Percent_running_is_clamped(ulong enabled, ulong running, double expected)
        => Assert.Equal(expected, Scaling.PercentRunning(enabled, running), 6);

    [Fact]
    public void Repeat_variation_is_the_standard_error_of_the_mean()
    {
        var (mean, variation) = Scaling.MeanAndError(new double[] { 10, 12, 14 });
        Assert.Equal(12, mean, 9);
        // sample stddev 2, standard error 2/sqrt(3), in percent of 12
        Assert.Equal(100 * 2 / Math.Sqrt(3) / 12, variation!.Value, 9);
        Assert.Null(Scaling.MeanAndError(new double[] { 5 }).VariationPercent);
    }

    [Theory]
    [InlineData(49, 1e6, "49.000 K/sec")]
    [InlineData(3, 1e9, "3.000 /sec")]
    [InlineData(2.5e9, 1e9, "2.500 G/sec")]
    public void Rates_use_perf_units(double count, double ns, string expected)
        => Assert.Equal(expected, Scaling.Rate(count, ns));
}
