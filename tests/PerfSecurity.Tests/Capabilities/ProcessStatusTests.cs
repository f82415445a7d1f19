using PerfSecurity.Capabilities;
using Xunit;

namespace PerfSecurity.Tests.Capabilities;

public sealed class ProcessStatusTests : IDisposable
{
    private readonly string _proc = Directory.CreateTempSubdirectory("psproc-").FullName;

    public void Dispose() => Directory.Delete(_proc, recursive: true);

    private static string Status(string name, char state, ulong effective)
        => $"Name:\t{name}\nState:\t{state} ({(state == 'Z' ? "zombie" : "sleeping")})\nPPid:\t1\nUid:\t65534\t65534\t65534\t65534\n"
            + $"CapInh:\t0000000000000000\nCapPrm:\t{effective:x16}\nCapEff:\t{effective:x16}\nCapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\n";

    private void Write(string relative, string text)
    {
        string path = Path.Combine(_proc, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    [Fact]
    public void A_zombie_leader_is_read_through_its_first_live_thread()
    {
        Write("700/status", Status("probe", 'Z', 0));
        Write("700/task/700/status", Status("probe", 'Z', 0));
        Write("700/task/702/status", Status("worker-b", 'Z', 1UL << 21));
        Write("700/task/703/status", Status("worker-c", 'S', 1UL << 38));
        Write("700/task/705/status", Status("worker-d", 'S', 1UL << 39));
        var s = ProcessCapabilities.Read(700, _proc)!;
        Assert.Equal(700, s.ProcessId);
        Assert.Equal(703, s.ThreadId);
        Assert.Equal("probe", s.Name);
        Assert.Equal(1UL << 38, s.Effective.Mask);
        Assert.False(s.IsZombie);
    }

    [Fact]
    public void A_living_leader_or_a_wholly_dead_process_is_read_as_it_is()
    {
        Write("800/status", Status("alive", 'S', 1UL << 38));
        Write("800/task/801/status", Status("worker", 'S', 0));
        var alive = ProcessCapabilities.Read(800, _proc)!;
        Assert.Null(alive.ThreadId);
        Assert.Equal(1UL << 38, alive.Effective.Mask);

        Write("900/status", Status("dead", 'Z', 1UL << 38));
        Write("900/task/900/status", Status("dead", 'Z', 1UL << 38));
        var dead = ProcessCapabilities.Read(900, _proc)!;
        Assert.Null(dead.ThreadId);
        Assert.True(dead.IsZombie);
        Assert.Equal(1UL << 38, dead.Effective.Mask);
    }
}
