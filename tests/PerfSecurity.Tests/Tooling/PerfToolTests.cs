using PerfSecurity.Tooling;
using Xunit;

namespace PerfSecurity.Tests.Tooling;

public sealed class PerfToolTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pstperf").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Script(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, (UnixFileMode)0x1ED); // 0755
        return path;
    }

    [Theory]
    [InlineData("libcap.so.2.66", "2.66")]
    [InlineData("libcap.so.2.25", "2.25")]
    [InlineData("libcap.so.2", null)]
    [InlineData("libcap-ng.so.0.0.0", null)]
    public void Libcap_version_from_the_real_file_name(string name, string? expected)
        => Assert.Equal(expected, PerfTool.LibcapVersionOf(name));

    [Theory]
    [InlineData("2.25", false)]
    [InlineData("2.35", false)]
    [InlineData("2.36", true)]
    [InlineData("2.66", true)]
    [InlineData(null, null)]
    public void Libcap_knows_perfmon_from_2_36(string? version, bool? expected)
        => Assert.Equal(expected, PerfTool.KnowsPerfmon(version));

    [Fact]
    public void A_wrapper_script_is_followed_to_the_elf_it_execs()
    {
        string elf = Path.Combine(_dir, "perf_6.1");
        File.Copy(Fixtures.LinkedElf, elf);
        string wrapper = Script("perf", $"#!/bin/sh\n# wrapper\nversion=6.1\nexec \"{_dir}/perf_$version\" \"$@\"\n");
        var info = PerfTool.Inspect(wrapper, runVersion: false);
        Assert.True(info.IsScript);
        Assert.Equal(elf, info.RealBinary);
        Assert.True(info.LinksLibcap);
        Assert.StartsWith("build-id ", info.Version);
        Assert.Contains(info.Consequences, c => c.Contains("wrapper script"));
    }

    [Fact]
    public void Exec_options_and_relative_programs()
    {
        Assert.Equal("/usr/bin/perf_5.10", WrapperScript.ExecTarget(new[] { "#!/bin/sh", "exec -a perf /usr/bin/perf_5.10 \"$@\"" }, "/x"));
        Assert.Equal("/opt/p/bin/perf", WrapperScript.ExecTarget(new[] { "#!/bin/sh", "exec ./bin/perf" }, "/opt/p"));
        Assert.Null(WrapperScript.ExecTarget(new[] { "#!/bin/sh", "exec \"$PERF\" \"$@\"" }, "/x"));
    }

    [Theory]
    [InlineData("exec \"$(dirname \"$0\")/perf_real\" \"$@\"")]
    [InlineData("exec $(dirname $0)/perf_real \"$@\"")]
    [InlineData("exec `dirname $0`/perf_real")]
    [InlineData("exec \"${0%/*}/perf_real\" \"$@\"")]
    public void The_scripts_own_directory_is_the_directory_it_was_run_by(string line)
    {
        // $0 is the name the script was run by: a link in /usr/bin to a script in /opt/p runs /usr/bin/perf_real.
        Assert.Equal("/usr/bin/perf_real", WrapperScript.ExecTarget(new[] { "#!/bin/sh", line }, "/opt/p", "/usr/bin"));
        Assert.Equal("/opt/p/perf_real", WrapperScript.ExecTarget(new[] { "#!/bin/sh", line }, "/opt/p"));
    }

    [Fact]
    public void An_old_libcap_gives_the_documented_consequences()
    {
        string lib = Path.Combine(_dir, "lib");
        Directory.CreateDirectory(lib);
        File.Copy(Fixtures.LibcapElf, Path.Combine(lib, "libcap.so.2.25"));
        File.CreateSymbolicLink(Path.Combine(lib, "libcap.so.2"), "libcap.so.2.25");
        string perf = Path.Combine(_dir, "perf");
        File.Copy(Fixtures.LinkedElf, perf);
        var info = PerfTool.Inspect(perf, runVersion: false, new[] { lib });
        Assert.Equal("2.25", info.LibcapVersion);
        Assert.False(info.LibcapKnowsPerfmon);
        Assert.Contains(info.Consequences, c => c.Contains("setcap needs the number 38 instead of cap_perfmon"));
        Assert.Contains(info.Consequences, c => c.Contains("cycles:u") && c.Contains("-e cycles"));
    }

    [Fact]
    public void The_audit_fails_perf_linked_to_an_old_libcap_and_passes_one_without_libcap()
    {
        string lib = Path.Combine(_dir, "lib");
        Directory.CreateDirectory(lib);
        File.Copy(Fixtures.LibcapElf, Path.Combine(lib, "libcap.so.2.30"));
        File.CreateSymbolicLink(Path.Combine(lib, "libcap.so.2"), "libcap.so.2.30");
        string linked = Path.Combine(_dir, "perf");
        File.Copy(Fixtures.LinkedElf, linked);
        string plain = Path.Combine(_dir, "perf-plain");
        File.Copy(Fixtures.PlainElf, plain);
        var check = new PerfSecurity.Audit.LibcapPerfmonCheck();

        var fail = Assert.Single(check.Run(new PerfSecurity.Audit.AuditContext(perfPath: linked, libraryDirectories: new[] { lib }), AuditProfile.PerfSecurityGuide));
        Assert.Equal(FindingStatus.Fail, fail.Status);
        Assert.Contains("libcap 2.30", fail.Actual);

        var pass = Assert.Single(check.Run(new PerfSecurity.Audit.AuditContext(perfPath: plain, libraryDirectories: new[] { lib }), AuditProfile.PerfSecurityGuide));
        Assert.Equal(FindingStatus.Pass, pass.Status);
        Assert.Contains("does not link libcap", pass.Actual);
    }
}
