using System.Diagnostics;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using PerfSecurity.Counting;

namespace PerfSecurity.Benchmarks;

/// <summary>
/// One read of a counter session through the library (CounterSet.Read: system calls, decoding, sums, totals), with
/// the events in one group (one read(2) of the leader) and each counted alone (one read(2) per event), against plain
/// read(2) calls on the same descriptors. The target is a single-threaded child, so each event has one descriptor.
/// bench/group-read.c does the group read in C on the same kind of target.
/// </summary>
public unsafe partial class ReadLatency
{
    private static readonly string[] Software =
        { "task-clock", "context-switches", "page-faults", "cpu-migrations", "minor-faults", "major-faults", "cpu-clock", "alignment-faults" };

    [Params(1, 4, 8)]
    public int Events { get; set; }

    private Process? _target;
    private CounterSet? _alone, _group;
    private int[] _fds = Array.Empty<int>();
    private int _leader;
    private readonly byte[] _buffer = new byte[1024];
    // Totals are read into reused arrays, as a caller reading in a loop does (CounterSet.Read(Span)).
    private CounterTotals[] _aloneTotals = Array.Empty<CounterTotals>(), _groupTotals = Array.Empty<CounterTotals>();

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint RawRead(int fd, byte* buffer, nuint count);

    [GlobalSetup]
    public void Setup()
    {
        _target = Process.Start(new ProcessStartInfo("sleep", "600") { UseShellExecute = false })!;
        var resolver = new EventResolver();
        var names = Software.Take(Events).ToArray();
        var target = CounterTarget.ForProcess(_target.Id);
        _alone = CounterSet.Open(resolver.ResolveGroups(names), target, new CounterOptions());
        _group = CounterSet.Open(resolver.ResolveGroups(names, groupAll: true), target, new CounterOptions());
        _fds = _alone.Descriptors.Select(d => d.Value).ToArray();
        _aloneTotals = new CounterTotals[_alone.TotalsCount()];
        _groupTotals = new CounterTotals[_group.TotalsCount()];
        _leader = _group.Descriptors[0].Value;
        if (_fds.Length != Events || _group.DescriptorCount != Events) throw new InvalidOperationException($"{_fds.Length} descriptors for {Events} events");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _alone?.Dispose();
        _group?.Dispose();
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
    public int LibraryRead() => _alone!.Read(_aloneTotals);

    [Benchmark]
    public long RawGroupReadSyscall()
    {
        fixed (byte* p = _buffer) return RawRead(_leader, p, (nuint)_buffer.Length);
    }

    [Benchmark]
    public int LibraryGroupRead() => _group!.Read(_groupTotals);

    /// <summary>The group read that allocates its totals (what Read-PerfCounter uses), for comparison.</summary>
    [Benchmark]
    public int LibraryGroupReadAllocating() => _group!.Read().Count;
}
