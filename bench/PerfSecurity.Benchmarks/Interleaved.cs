using System.Diagnostics;
using System.Globalization;

namespace PerfSecurity.Benchmarks;

/// <summary>
/// Reads measured side by side on a loaded machine: each round runs one short batch of every method of
/// <see cref="ReadLatency"/> and one batch of the C program (bench/group-read.c, kept running and told over a pipe
/// how many reads to do) doing the same group read, in a rotating order, so that all of them see the same load;
/// the medians over the rounds are compared. BenchmarkDotNet measures one method after the other, which on a shared
/// machine gives each a different load.
/// </summary>
public static class Interleaved
{
    public static void Run(string groupReadProgram, string csv, int rounds = 201, int reads = 2000)
    {
        using var output = new StreamWriter(csv);
        output.WriteLine("Events,Method,MedianNs,Rounds");
        foreach (int events in new[] { 1, 4, 8 })
        {
            var bench = new ReadLatency { Events = events };
            bench.Setup();
            using Process c = StartC(groupReadProgram, events);
            try
            {
                var methods = new (string Name, Func<double> Batch)[]
                {
                    (nameof(ReadLatency.RawReadSyscall), () => Time(bench.RawReadSyscall, reads)),
                    (nameof(ReadLatency.LibraryRead), () => Time(() => bench.LibraryRead(), reads)),
                    (nameof(ReadLatency.RawGroupReadSyscall), () => Time(bench.RawGroupReadSyscall, reads)),
                    (nameof(ReadLatency.LibraryGroupRead), () => Time(() => bench.LibraryGroupRead(), reads)),
                    (nameof(ReadLatency.LibraryGroupReadAllocating), () => Time(() => bench.LibraryGroupReadAllocating(), reads)),
                    ("CGroupRead", () => AskC(c, reads)),
                };
                var samples = methods.ToDictionary(m => m.Name, _ => new List<double>());
                // Warm-up until the JIT has compiled every method at its final tier: calls for a while, a pause for the
                // background compilation, calls again.
                for (int pass = 0; pass < 2; pass++)
                {
                    long until = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 2;
                    while (Stopwatch.GetTimestamp() < until) foreach (var (_, batch) in methods) batch();
                    Thread.Sleep(300);
                }
                for (int r = 0; r < rounds; r++)
                {
                    for (int k = 0; k < methods.Length; k++)
                    {
                        var (name, batch) = methods[(k + r) % methods.Length];
                        samples[name].Add(batch());
                    }
                }
                foreach (var (name, values) in samples)
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{events},{name},{Median(values):0.0},{values.Count}"));
            }
            finally
            {
                c.StandardInput.Close();
                c.WaitForExit();
                bench.Cleanup();
            }
        }
    }

    private static double Time(Func<long> call, int reads)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < reads; i++) call();
        return Stopwatch.GetElapsedTime(start).TotalNanoseconds / reads;
    }

    private static Process StartC(string program, int events)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(events.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("-");
        return Process.Start(start)!;
    }

    // One batch in the C program, timed by it (ns per read).
    private static double AskC(Process c, int reads)
    {
        c.StandardInput.WriteLine(reads.ToString(CultureInfo.InvariantCulture));
        c.StandardInput.Flush();
        string? line = c.StandardOutput.ReadLine();
        return line is null ? throw new InvalidOperationException("group-read ended early") : double.Parse(line, CultureInfo.InvariantCulture);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
