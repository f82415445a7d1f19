using System.Diagnostics;
using PerfSecurity.Audit;
using PerfSecurity.DataFiles;
using PerfSecurity.Errors;
using PerfSecurity.Groups;
using PerfSecurity.IO;
using PerfSecurity.Settings;
using PerfSecurity.Tooling;
using PerfSecurity.Users;
using Xunit;

namespace PerfSecurity.Tests.IO;

/// <summary>
/// The bounded reader and the readers built on it, against a FIFO with no writer, /dev/zero and a sparse file of
/// a terabyte. Each case runs under a deadline, so a regression fails instead of hanging the test run.
/// </summary>
public sealed class BoundedFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("psbounded").FullName;
    private readonly string _fifo, _sparse;

    public BoundedFileTests()
    {
        _fifo = Path.Combine(_dir, "fifo");
        Assert.Equal(0, Process.Start("mkfifo", new[] { _fifo })!.WaitForExitAndCode());
        _sparse = Path.Combine(_dir, "sparse");
        using (var f = File.Create(_sparse)) f.SetLength(1L << 40);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Runs <paramref name="read"/> on another thread; more than 20 s is a hang.</summary>
    private static Exception? Within(Action read)
    {
        var task = Task.Run(read);
        try { task.Wait(TimeSpan.FromSeconds(20)); } catch (AggregateException) { }
        Assert.True(task.IsCompleted, "the reader did not return within 20 s");
        return task.Exception?.InnerException;
    }

    private static PerfSecurityException Refused(Action read, string errorId)
    {
        var e = Assert.IsType<PerfSecurityException>(Within(read));
        Assert.Equal(errorId, e.ErrorId);
        return e;
    }

    [Fact]
    public void A_fifo_and_a_device_are_refused_before_reading()
    {
        var e = Refused(() => BoundedFile.ReadAllBytes(_fifo, 100, "PerfTest"), "PerfTestNotRegularFile");
        Assert.Contains("FIFO", e.Message);
        e = Refused(() => BoundedFile.ReadAllBytes("/dev/zero", 100, "PerfTest"), "PerfTestNotRegularFile");
        Assert.Contains("character device", e.Message);
        Refused(() => BoundedFile.ReadHead(_fifo, new byte[2], "PerfTest"), "PerfTestNotRegularFile");
        Refused(() => BoundedFile.OpenStream(_dir, 100, "PerfTest", out _), "PerfTestNotRegularFile");
    }

    [Fact]
    public void A_file_over_the_bound_is_refused_by_its_size_and_a_procfs_file_by_what_is_read()
    {
        var e = Refused(() => BoundedFile.ReadAllBytes(_sparse, 1 << 20, "PerfTest"), "PerfTestTooLarge");
        Assert.Equal(Errors.FailureKind.LimitsExceeded, e.Kind);
        Refused(() => BoundedFile.OpenStream(_sparse, 1 << 20, "PerfTest", out _), "PerfTestTooLarge");
        // /proc/self/maps says size 0 and holds far more than 16 bytes.
        Refused(() => BoundedFile.ReadAllBytes("/proc/self/maps", 16, "PerfTest"), "PerfTestTooLarge");
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/perf_event_paranoid"), BoundedFile.ReadAllText("/proc/sys/kernel/perf_event_paranoid", 64));
    }

    [Fact]
    public void A_stream_stops_at_the_bound_even_when_the_size_said_less()
    {
        using var s = BoundedFile.OpenStream("/proc/self/maps", 16, "PerfTest", out _);
        var e = Assert.Throws<PerfSecurityException>(() => { var b = new byte[4096]; while (s.Read(b) > 0) { } });
        Assert.Equal("PerfTestTooLarge", e.ErrorId);
    }

    [Fact]
    public void Missing_files_links_and_ordinary_files()
    {
        Refused(() => BoundedFile.ReadAllBytes(Path.Combine(_dir, "none"), 10, "PerfTest"), "PerfTestNotFound");
        string file = Path.Combine(_dir, "f");
        File.WriteAllText(file, "\uFEFFhello");
        Assert.Equal("hello", BoundedFile.ReadAllText(file, 100));
        Assert.Equal("hello", BoundedFile.ReadAllText(file, 8));
        Refused(() => BoundedFile.ReadAllText(file, 7, "PerfTest"), "PerfTestTooLarge");
        string link = Path.Combine(_dir, "link");
        File.CreateSymbolicLink(link, file);
        Assert.Equal("hello", BoundedFile.ReadAllText(link, 100));
        Refused(() => BoundedFile.ReadAllText(link, 100, "PerfTest", noFollow: true), "PerfTestIsSymbolicLink");
        Assert.Null(BoundedFile.TryReadAllText(_fifo, 100));
    }

    [Fact]
    public void Every_reader_of_the_module_refuses_special_and_huge_files()
    {
        foreach (string bad in new[] { _fifo, "/dev/zero", _sparse })
        {
            Assert.Null(Within(() => Assert.False(FileEntry.IsScript(bad))));
            Assert.Null(Within(() => Assert.Null(WrapperScript.BinaryOf(bad, bad, KernelInfo.Current))));
            Assert.Null(Within(() => Assert.False(SudoersRule.RunsCapsh(bad))));
            Assert.Null(Within(() => Assert.False(PerfDataFiles.HasPerfMagic(bad))));
            var elf = Assert.IsType<PerfSecurityException>(Within(() => ElfFile.Read(bad)));
            Assert.Equal(bad == _sparse ? "PerfToolFileTooLarge" : "PerfToolFileNotRegularFile", elf.ErrorId);
            var log = Assert.IsType<PerfSecurityException>(Within(() => AuditLogFile.Read(bad, new DenialCollector(null, AccountDatabase.Load()))));
            Assert.Equal(bad == _sparse ? "PerfAuditLogTooLarge" : "PerfAuditLogNotRegularFile", log.ErrorId);
            if (bad != _sparse)
            {
                var data = Assert.IsType<PerfSecurityException>(Within(() => DataExposureAnalyzer.Read(bad, AccountDatabase.Load())));
                Assert.Equal("PerfDataNotRegularFile", data.ErrorId);
                var binary = Assert.IsType<PerfSecurityException>(Within(() => PerfUsersGroupTarget.Locate(bad)));
                Assert.Equal("PerfUsersGroupTargetNotRegularFile", binary.ErrorId);
            }
        }
    }

    [Fact]
    public void Sudoers_includes_and_kernel_values_under_a_root_do_not_block()
    {
        string includes = Path.Combine(_dir, "sudoers.d");
        Directory.CreateDirectory(includes);
        Assert.Equal(0, Process.Start("mkfifo", new[] { Path.Combine(includes, "rule") })!.WaitForExitAndCode());
        string sudoers = Path.Combine(_dir, "sudoers");
        File.WriteAllText(sudoers, $"@includedir {includes}\n");
        var context = new AuditContext(sudoersPath: sudoers);
        Assert.Null(Within(() => Assert.Empty(SudoersRule.Load(sudoers, context))));
        Assert.Contains(context.Unreadable, u => u.Contains("FIFO"));

        string kernel = Path.Combine(_dir, "root/proc/sys/kernel");
        Directory.CreateDirectory(kernel);
        Assert.Equal(0, Process.Start("mkfifo", new[] { Path.Combine(kernel, "perf_event_paranoid") })!.WaitForExitAndCode());
        var e = Assert.IsType<PerfSecurityException>(Within(() => Sysctl.ReadInt(Sysctl.ParanoidKey, Path.Combine(_dir, "root"))));
        Assert.Equal("PerfSysctlValueNotRegularFile", e.ErrorId);
    }
}

internal static class ProcessExtensions
{
    public static int WaitForExitAndCode(this Process p)
    {
        p.WaitForExit();
        return p.ExitCode;
    }
}
