using System.Diagnostics;
using PerfSecurity.Errors;
using Xunit;

namespace PerfSecurity.Tests.Fuzz;

/// <summary>
/// Runs one fuzz case with the limits every parser must keep: done within a second, no exception but a
/// PerfSecurityException, and no allocation beyond what the input's own size explains.
/// </summary>
internal static class FuzzCase
{
    /// <summary>Cases per property: a few thousand in the test run, PERFSECURITY_FUZZ_ITER (bench/Fuzz.ps1) for long runs.</summary>
    public static long Iterations(long normal)
        => long.TryParse(Environment.GetEnvironmentVariable("PERFSECURITY_FUZZ_ITER"), out long n) && n > 0 ? n : normal;

    /// <summary>One thread: the timing and allocation limits must not depend on how busy the pool is.</summary>
    public const int Threads = 1;

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Runs <paramref name="parse"/> on its own thread; returns the exception it threw (only PerfSecurityException is allowed).
    /// <paramref name="inputBytes"/> bounds the allocation: 1 MiB plus 200 bytes per input byte.
    /// </summary>
    public static PerfSecurityException? Run(long inputBytes, Action parse, Func<string>? describe = null)
    {
        long allocated = 0;
        Exception? thrown = null;
        var watch = Stopwatch.StartNew();
        var thread = new Thread(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try { parse(); }
            catch (Exception e) { thrown = e; }
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }, 16 << 20);
        thread.Start();
        if (!thread.Join(Limit))
        {
            // The machine may be busy: give the case a second chance to finish before calling it a hang.
            Assert.True(thread.Join(Limit * 4), $"a case ran longer than {Limit.TotalSeconds * 5} s: {describe?.Invoke()}");
            Assert.Fail($"a case ran longer than {Limit.TotalSeconds} s ({watch.ElapsedMilliseconds} ms): {describe?.Invoke()}");
        }
        long budget = (1 << 20) + 200 * inputBytes;
        Assert.True(allocated <= budget, $"a case allocated {allocated} bytes for {inputBytes} input bytes: {describe?.Invoke()}");
        if (thrown is null or PerfSecurityException) return thrown as PerfSecurityException;
        Assert.Fail($"unexpected {thrown.GetType().Name}: {thrown.Message} for {describe?.Invoke()}\n{thrown.StackTrace}");
        return null;
    }

    /// <summary>A readable form of a text case for a failure message.</summary>
    public static string Show(string s) => System.Text.Json.JsonSerializer.Serialize(s.Length > 400 ? s[..400] + "…" : s);
}
