using PerfSecurity.Settings;
using Xunit;

namespace PerfSecurity.Tests.Settings;

public sealed class SysctlConfigurationTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sysctl-root").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string relative, string text)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    [Theory]
    [InlineData("kernel.perf_event_paranoid = 2", "kernel.perf_event_paranoid", "2")]
    [InlineData("  kernel.perf_event_paranoid=  -1  ", "kernel.perf_event_paranoid", "-1")]
    [InlineData("kernel/perf_event_paranoid = 1", "kernel.perf_event_paranoid", "1")]
    [InlineData("-kernel.kptr_restrict = 2", "kernel.kptr_restrict", "2")]
    [InlineData("net/ipv4/conf/enp3s0.200/forwarding = 1", "net.ipv4.conf.enp3s0/200.forwarding", "1")]
    [InlineData("kernel.perf_event_paranoid = \\\n 2", "kernel.perf_event_paranoid", "2")]
    public void Parses_assignments(string line, string key, string value)
    {
        var a = Assert.Single(SysctlConfiguration.Parse(line, "f.conf"));
        Assert.Equal(key, a.Key);
        Assert.Equal(value, a.Value);
    }

    [Theory]
    [InlineData("# kernel.perf_event_paranoid = 2")]
    [InlineData("; kernel.perf_event_paranoid = 2")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("no equals sign")]
    [InlineData("= 2")]
    public void Skips_comments_and_junk(string line)
        => Assert.Empty(SysctlConfiguration.Parse(line, "f.conf"));

    [Fact]
    public void Marks_ignore_errors_prefix()
        => Assert.True(SysctlConfiguration.Parse("-kernel.x = 1", "f").Single().IgnoreErrors);

    [Fact]
    public void Later_basename_wins_across_directories()
    {
        Write("usr/lib/sysctl.d/90-z.conf", "kernel.perf_event_paranoid = 1\n");
        Write("etc/sysctl.d/20-a.conf", "kernel.perf_event_paranoid = 3\n");
        var config = SysctlConfiguration.Load(_root);
        var winner = config.Effective("kernel.perf_event_paranoid")!;
        Assert.Equal("1", winner.Value);
        Assert.EndsWith("usr/lib/sysctl.d/90-z.conf", winner.File);
        Assert.Equal(2, config.AllFor("kernel.perf_event_paranoid").Count);
    }

    [Fact]
    public void Etc_masks_same_name_in_run_and_usr_lib()
    {
        Write("usr/lib/sysctl.d/50-p.conf", "kernel.perf_event_paranoid = 1\n");
        Write("run/sysctl.d/50-p.conf", "kernel.perf_event_paranoid = 0\n");
        Write("etc/sysctl.d/50-p.conf", "kernel.perf_event_paranoid = 3\n");
        var config = SysctlConfiguration.Load(_root);
        Assert.Single(config.Files);
        Assert.Equal("3", config.Effective("kernel.perf_event_paranoid")!.Value);
    }

    [Fact]
    public void Run_masks_usr_lib()
    {
        Write("usr/lib/sysctl.d/50-p.conf", "kernel.perf_event_paranoid = 1\n");
        Write("run/sysctl.d/50-p.conf", "kernel.perf_event_paranoid = 0\n");
        Assert.Equal("0", SysctlConfiguration.Load(_root).Effective("kernel.perf_event_paranoid")!.Value);
    }

    [Fact]
    public void Etc_sysctl_conf_is_applied_last()
    {
        Write("etc/sysctl.conf", "kernel.perf_event_paranoid = 2\n");
        Write("etc/sysctl.d/zz.conf", "kernel.perf_event_paranoid = 1\n");
        var winner = SysctlConfiguration.Load(_root).Effective("kernel.perf_event_paranoid")!;
        Assert.Equal("2", winner.Value);
        Assert.EndsWith("etc/sysctl.conf", winner.File);
    }

    [Fact]
    public void Only_conf_files_count()
    {
        Write("etc/sysctl.d/50-p.conf.disabled", "kernel.perf_event_paranoid = 1\n");
        Write("etc/sysctl.d/README", "kernel.perf_event_paranoid = 1\n");
        Assert.Null(SysctlConfiguration.Load(_root).Effective("kernel.perf_event_paranoid"));
    }

    [Fact]
    public void Same_file_last_line_wins()
    {
        Write("etc/sysctl.d/50-p.conf", "kernel.perf_event_paranoid = 1\nkernel.perf_event_paranoid = 2\n");
        var winner = SysctlConfiguration.Load(_root).Effective("kernel.perf_event_paranoid")!;
        Assert.Equal(("2", 2), (winner.Value, winner.Line));
    }
}
