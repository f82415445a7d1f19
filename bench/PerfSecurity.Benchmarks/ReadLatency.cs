using System.Diagnostics;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using PerfSecurity.Counting;

namespace PerfSecurity.Benchmarks;

/// <summary>
/// One read of a counter session through the library (CounterSet.Read: syscalls, sums, totals) against plain
/// read(2) calls on the same descriptors. The target is a single-threaded child, so each event has one descriptor.
/// </summary>
public unsafe partial class ReadLatency
{
    private static readonly string[] Software =
        { "task-clock", "context-switches", "page-faults", "cpu-migrations", "minor-faults", "major-faults", "cpu-clock", "alignment-faults" };

    [Params(1, 4, 8)]
    public int Events { get; set; }

    private Process? _target;
    private CounterSet? _set;
    private int[] _fds = Array.Empty<int>();
    private readonly byte[] _buffer = new byte[64];

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint RawRead(int fd, byte* buffer, nuint count);

    [GlobalSetup]
    public void Setup()
    {
        _target = Process.Start(new ProcessStartInfo("sleep", "600") { UseShellExecute = false })!;
        var resolver = new EventResolver();
        var events = Software.Take(Events).Select(resolver.Resolve).ToList();
        _set = CounterSet.Open(events, CounterTarget.ForProcess(_target.Id), new CounterOptions());
        _fds = _set.Descriptors.Select(d => d.Value).ToArray();
        if (_fds.Length != Events) throw new InvalidOperationException($"{_fds.Length} descriptors for {Events} events");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _set?.Dispose();
        _target?.Kill();
        _target?.WaitForExit();
        _target?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public long RawReadSyscall()
    {
        long sum = 0;
        fixed (byte* p = _buffer)
        {
            foreach (int fd in _fds) sum += RawRead(fd, p, 32);
        }
        return sum;
    }

    [Benchmark]
    public int LibraryRead() => _set!.Read().Count;
}
