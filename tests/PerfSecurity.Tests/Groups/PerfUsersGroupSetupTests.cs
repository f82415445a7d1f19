using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using PerfSecurity.Groups;
using PerfSecurity.Native;
using PerfSecurity.Settings;
using Xunit;

namespace PerfSecurity.Tests.Groups;

public class CapabilityChoiceTests
{
    private static KernelInfo Kernel(string release, KernelFlavor flavor = KernelFlavor.Mainline)
        => new(release, KernelInfo.ParseVersion(release), flavor, null);

    [Fact]
    public void DefaultIsTheDocumentsSetWithoutPtraceSinceFiveNine()
    {
        // cap_sys_ptrace on perf is root for its users (perf script -s runs their code in perf); 5.9+ does not need it.
        var c = CapabilityChoice.Resolve(null, false, Kernel("6.18.0"), 2);
        Assert.Equal("cap_syslog,cap_perfmon", c.Set.ToString());
        Assert.True(RootEquivalence.In(c.Set).IsEmpty);
        Assert.Empty(c.Warnings);
        Assert.Equal("cap_sys_ptrace,cap_syslog,cap_perfmon", CapabilityChoice.Resolve(null, false, Kernel("5.8.0"), 2).Set.ToString());
    }

    [Fact]
    public void BeforeFiveNineAddsPtraceAndSaysWhy()
    {
        var c = CapabilityChoice.Resolve(new[] { "cap_perfmon" }, false, Kernel("5.8.0"), 2);
        Assert.True(c.Set.Contains(CapabilityTable.SysPtrace));
        Assert.Contains(c.Notes, n => n.Contains("5.9"));
        Assert.False(CapabilityChoice.Resolve(new[] { "cap_perfmon" }, false, Kernel("5.9.0"), 2).Set.Contains(CapabilityTable.SysPtrace));
    }

    [Theory]
    [InlineData(KernelFlavor.Debian, 3, true)]
    [InlineData(KernelFlavor.Ubuntu, 3, false)]
    [InlineData(KernelFlavor.Ubuntu, 4, true)]
    [InlineData(KernelFlavor.Mainline, 4, false)]
    public void RestrictLevelsWarnThatPerfmonWillNotHelp(KernelFlavor flavor, int level, bool warns)
    {
        var c = CapabilityChoice.Resolve(null, false, Kernel("6.1.0", flavor), level);
        Assert.Equal(warns, c.Warnings.Any(w => w.Contains("Set-PerfParanoid -Level 2") && w.Contains("cap_sys_admin")));
        Assert.False(c.Set.Contains(CapabilityTable.SysAdmin));
    }

    [Fact]
    public void IpcLockOnRequest()
        => Assert.True(CapabilityChoice.Resolve(null, true, Kernel("6.18.0"), 2).Set.Contains(CapabilityTable.IpcLock));

    [Theory]
    [InlineData(0x1ED, 0x1E8)] // 0755 -> 0750
    [InlineData(0x1FF, 0x1E8)] // 0777 -> 0750 (no group write)
    [InlineData(0x9ED, 0x1E8)] // 4755 -> 0750 (set-id dropped)
    [InlineData(0x1C0, 0x1C8)] // 0700 -> 0710 (members must execute)
    public void TargetModeRemovesOthersAndGroupWrite(int mode, int expected)
        => Assert.Equal((uint)expected, PerfUsersGroupSetup.TargetMode((uint)mode));
}

/// <summary>Runs the procedure on real files (the tests run as root) with a failure injected before each step.</summary>
public sealed class PerfUsersGroupSetupFailureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pugx").FullName;
    private readonly string _group = "daemon"; // an existing group other than root: no groupadd in unit tests

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string CopyOfTrue(bool withCaps, string? name = null)
    {
        string path = Path.Combine(_dir, name ?? Guid.NewGuid().ToString("N"));
        File.Copy(Fixtures.PlainElf, path);
        File.SetUnixFileMode(path, (UnixFileMode)0x1ED);
        if (withCaps)
        {
            using var fd = FileSystem.Open(path, FileSystem.O_RDONLY);
            Xattr.Set(fd, FileCapabilityData.XattrName, new FileCapabilityData(CapabilitySet.Of(CapabilityTable.SysAdmin), CapabilitySet.Empty, true).Encode());
        }
        return path;
    }

    [SkippableTheory]
    [InlineData(PerfUsersGroupStep.RemoveCapabilities)]
    [InlineData(PerfUsersGroupStep.Chown)]
    [InlineData(PerfUsersGroupStep.Chmod)]
    [InlineData(PerfUsersGroupStep.SetCapabilities)]
    [InlineData(PerfUsersGroupStep.Verify)]
    public void AFailedStepNamesItselfAndLeavesNoCapableWorldExecutableBinary(PerfUsersGroupStep failing)
    {
        Skip.IfNot(Privilege.IsRoot, "needs root (fchown to root and security.capability)");
        string path = CopyOfTrue(withCaps: true);
        var request = new PerfUsersGroupRequest(_group, new PerfBinaryLocation(path, null), CapabilitySet.Of(CapabilityTable.Perfmon), Array.Empty<string>());
        var e = Assert.Throws<PerfSecurityException>(() => PerfUsersGroupSetup.Apply(request, ChangeGate.Always(),
            step => { if (step == failing) throw new SystemCallException("injected", Errno.EIO, path); }));
        Assert.Equal(PerfUsersGroupSetup.ErrorIdOf(failing), e.ErrorId);
        var st = FileSystem.Stat(path);
        var caps = FileCapabilities.Read(path);
        bool exposed = caps is not null && (st.Permissions & 1) != 0;
        Assert.False(exposed);
        if (failing != PerfUsersGroupStep.RemoveCapabilities) Assert.Null(caps);
    }

    [SkippableFact]
    public void SecondRunChangesNothing()
    {
        Skip.IfNot(Privilege.IsRoot, "needs root (fchown to root and security.capability)");
        string path = CopyOfTrue(withCaps: false);
        var request = new PerfUsersGroupRequest(_group, new PerfBinaryLocation(path, null), CapabilitySet.Of(CapabilityTable.Perfmon), Array.Empty<string>());
        Assert.Equal(3, PerfUsersGroupSetup.Apply(request, ChangeGate.Always()).Count); // fchown, fchmod, fsetxattr
        Assert.Empty(PerfUsersGroupSetup.Apply(request, ChangeGate.Always()));
    }

    [Fact]
    public void WhatIfChangesNothing()
    {
        string path = CopyOfTrue(withCaps: false);
        var request = new PerfUsersGroupRequest(_group, new PerfBinaryLocation(path, null), CapabilitySet.Of(CapabilityTable.Perfmon), Array.Empty<string>());
        var shown = new List<string>();
        PerfUsersGroupSetup.Apply(request, new ChangeGate((t, a) => { shown.Add(a); return false; }, preview: true));
        Assert.Contains(shown, a => a.Contains("fchmod"));
        Assert.Contains(shown, a => a.Contains("fsetxattr"));
        Assert.Equal(0x1EDu, FileSystem.Stat(path).Permissions);
        Assert.Null(FileCapabilities.Read(path));
    }

    [Fact]
    public void WrapperScriptResolvesToTheBinaryItRuns()
    {
        string real = CopyOfTrue(false, "perf_9.9");
        string wrapper = Path.Combine(_dir, "perf");
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec {real} \"$@\"\n");
        var kernel = new KernelInfo("6.18.0", new Version(6, 18), KernelFlavor.Mainline, null);
        var loc = PerfUsersGroupTarget.Locate(wrapper, kernel);
        Assert.Equal(real, loc.Path);
        Assert.Equal(wrapper, loc.WrapperPath);
    }
}
