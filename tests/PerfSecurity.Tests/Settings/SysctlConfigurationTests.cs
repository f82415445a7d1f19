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
    [InlineData("/kernel//perf_event_paranoid = 1", "kernel.perf_event_paranoid", "1")]
    [InlineData("kernel.perf_event_paranoid = 1 # not a comment", "kernel.perf_event_paranoid", "1 # not a comment")]
    public void Parses_assignments(string line, string key, string value)
    {
        foreach (var path in new[] { BootPath.Systemd, BootPath.Procps })
        {
            var a = Assert.Single(SysctlConfiguration.Parse(line, "f.conf", path));
            Assert.Equal(key, a.Key);
            Assert.Equal(value, a.Value);
        }
    }

    [Fact]
    public void A_trailing_backslash_continues_nothing()
    {
        // Neither tool joins lines: the value is a backslash (the kernel refuses it) and "2" alone is no assignment.
        foreach (var path in new[] { BootPath.Systemd, BootPath.Procps })
        {
            var a = Assert.Single(SysctlConfiguration.Parse("kernel.perf_event_paranoid = \\\n2\n", "f.conf", path));
            Assert.Equal("\\", a.Value);
        }
    }

    [Theory]
    [InlineData("# c\rkernel.perf_event_paranoid = 1\r", 1, 0)] // systemd ends lines at \r too
    [InlineData("# c\0kernel.perf_event_paranoid = 1\n", 1, 0)] // and at NUL; procps stops reading the line there
    [InlineData("- kernel.perf_event_paranoid = 1\n", 1, 0)]      // only systemd strips the space after '-'
    public void Line_ends_differ(string text, int systemd, int procps)
    {
        Assert.Equal(systemd, SysctlConfiguration.Parse(text, "f.conf", BootPath.Systemd).Count(a => a.Key == "kernel.perf_event_paranoid"));
        Assert.Equal(procps, SysctlConfiguration.Parse(text, "f.conf", BootPath.Procps).Count(a => a.Key == "kernel.perf_event_paranoid"));
    }

    [Theory]
    [InlineData("1 # inline", 1)]
    [InlineData("0x1", 1)]
    [InlineData("0X1f", 31)]
    [InlineData("1 2", 1)]
    [InlineData("010", 8)]
    [InlineData("-0", 0)]
    [InlineData(" 7 ", 7)]
    [InlineData("-2147483648", int.MinValue)]
    [InlineData("00000000000000000001", 1)]
    [InlineData("+1", null)]
    [InlineData("08", null)]
    [InlineData("0x", null)]
    [InlineData("1,2", null)]
    [InlineData("2147483648", null)]
    [InlineData("-2147483649", null)]
    [InlineData("000000000000000000001", null)] // 21 characters: too long for the kernel's buffer
    [InlineData("", null)]
    [InlineData("-", null)]
    public void Values_parse_as_proc_dointvec(string value, int? expected)
        => Assert.Equal(expected, ProcInt.Parse(System.Text.Encoding.ASCII.GetBytes(value + "\n")));

    [Theory]
    [InlineData("# kernel.perf_event_paranoid = 2")]
    [InlineData("; kernel.perf_event_paranoid = 2")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("no equals sign")]
    public void Skips_comments_and_junk(string line)
    {
        Assert.Empty(SysctlConfiguration.Parse(line, "f.conf", BootPath.Systemd));
        Assert.Empty(SysctlConfiguration.Parse(line, "f.conf", BootPath.Procps));
    }

    [Fact]
    public void An_exclusion_line_has_no_value()
    {
        var a = Assert.Single(SysctlConfiguration.Parse("-kernel.perf_event_paranoid", "f", BootPath.Systemd));
        Assert.True(a.Excludes);
        Assert.Null(a.Value);
    }

    [Fact]
    public void Marks_ignore_errors_prefix()
        => Assert.True(SysctlConfiguration.Parse("-kernel.x = 1", "f").Single().IgnoreErrors);

    private string? Next(BootPath path) => SysctlConfiguration.Load(_root, path).EffectiveValue("kernel.perf_event_paranoid");

    [Fact]
    public void Systemd_ignores_hidden_files_and_sysctl_conf_procps_reads_both()
    {
        Write("etc/sysctl.d/.x.conf", "kernel.perf_event_paranoid = 0\n");
        Assert.Null(Next(BootPath.Systemd));
        Assert.Equal("0", Next(BootPath.Procps));
        Write("etc/sysctl.conf", "kernel.perf_event_paranoid = 1\n");
        Assert.Null(Next(BootPath.Systemd));
        Assert.Equal("1", Next(BootPath.Procps));
    }

    [Fact]
    public void An_exclusion_drops_an_earlier_assignment_only_under_systemd()
    {
        Write("etc/sysctl.d/50-a.conf", "kernel.perf_event_paranoid = 1\n");
        Write("etc/sysctl.d/60-b.conf", "-kernel.perf_event_paranoid\n");
        Assert.Null(Next(BootPath.Systemd));
        Assert.Equal("1", Next(BootPath.Procps));
    }

    [Fact]
    public void A_glob_sets_keys_no_line_names()
    {
        Write("etc/sysctl.d/50-a.conf", "kernel.perf_event_* = 1\n");
        Assert.Equal("1", Next(BootPath.Systemd));
        Write("etc/sysctl.d/40-a.conf", "kernel.perf_event_paranoid = 0\n");
        Assert.Equal("0", Next(BootPath.Systemd));
        Assert.Equal("0", Next(BootPath.Procps));
    }

    [Fact]
    public void A_refused_value_keeps_the_previous_one_under_procps_and_replaces_it_under_systemd()
    {
        Write("etc/sysctl.d/50-a.conf", "kernel.perf_event_paranoid = 1\nkernel.perf_event_paranoid = +2\n");
        Assert.Null(Next(BootPath.Systemd));
        Assert.Equal("1", Next(BootPath.Procps));
    }

    [Fact]
    public void A_directory_hides_the_same_name_and_sets_nothing()
    {
        Write("usr/lib/sysctl.d/80-d.conf", "kernel.perf_event_paranoid = 0\n");
        Directory.CreateDirectory(Path.Combine(_root, "etc/sysctl.d/80-d.conf"));
        Assert.Null(Next(BootPath.Systemd));
        Assert.Null(Next(BootPath.Procps));
        Assert.Contains(SysctlConfiguration.Load(_root, BootPath.Systemd).Problems, p => p.Contains("is a directory"));
    }

    [Fact]
    public void A_link_in_an_image_resolves_inside_the_image()
    {
        // /etc/sysctl.conf of this machine must not be read for the image's absolute link.
        Write("etc/sysctl.conf", "kernel.perf_event_paranoid = 1\n");
        Directory.CreateDirectory(Path.Combine(_root, "etc/sysctl.d"));
        File.CreateSymbolicLink(Path.Combine(_root, "etc/sysctl.d/99-sysctl.conf"), "/etc/sysctl.conf");
        Assert.Equal("1", Next(BootPath.Systemd));
        File.Delete(Path.Combine(_root, "etc/sysctl.conf"));
        Assert.Null(Next(BootPath.Systemd));
    }

    [Fact]
    public void A_fifo_is_not_opened_and_blocks_the_whole_boot_path()
    {
        Write("etc/sysctl.d/10-a.conf", "kernel.perf_event_paranoid = 1\n");
        string fifo = Path.Combine(_root, "etc/sysctl.d/x.conf");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", new[] { fifo })) mkfifo.WaitForExit();
        var config = SysctlConfiguration.Load(_root, BootPath.Procps);
        Assert.Equal(fifo, config.BlockedBy);
        Assert.Null(config.EffectiveValue("kernel.perf_event_paranoid"));
    }

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
        var winner = SysctlConfiguration.Load(_root, BootPath.Procps).Effective("kernel.perf_event_paranoid")!;
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
