using System.Diagnostics;
using PerfSecurity.Errors;
using PerfSecurity.IO;
using PerfSecurity.Native;
using Xunit;

namespace PerfSecurity.Tests.IO;

/// <summary>
/// The walker on fixtures built in a root-owned temporary directory: which directories and links it trusts,
/// how it takes "..", and what it refuses. Like the rest of the suite they run as root: fixtures are given to
/// another user (nobody) with chown.
/// </summary>
public sealed class SecurePathTests : IDisposable
{
    private const uint Nobody = 65534;
    private readonly string _root;

    public SecurePathTests()
    {
        Assert.True(FileSystem.GetEffectiveUserId() == 0, "the walker's fixtures need root (chown to another user)");
        _root = Directory.CreateTempSubdirectory("pssecpath").FullName;
        File.SetUnixFileMode(_root, (UnixFileMode)0x1ED); // 0755
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Dir(string relative, int mode = 0x1ED, uint owner = 0)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, (UnixFileMode)mode);
        if (owner != 0) Chown(path, owner);
        return path;
    }

    private string FileAt(string relative, uint owner = 0, string text = "x")
    {
        string path = Path.Combine(_root, relative);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, (UnixFileMode)0x1ED);
        if (owner != 0) Chown(path, owner);
        return path;
    }

    private string Link(string relative, string target, uint owner = 0)
    {
        string path = Path.Combine(_root, relative);
        File.CreateSymbolicLink(path, target);
        if (owner != 0) Chown(path, owner);
        return path;
    }

    /// <summary>chown -h: a link itself, not its target.</summary>
    private static void Chown(string path, uint uid)
    {
        using var p = Process.Start(new ProcessStartInfo("chown", new[] { "-h", uid.ToString(System.Globalization.CultureInfo.InvariantCulture), path }) { RedirectStandardError = true })!;
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
    }

    private static PerfSecurityException Refused(string path, PathOptions options = PathOptions.None)
        => Assert.Throws<PerfSecurityException>(() => SecurePath.Resolve(path, "Test", options).Dispose());

    [Fact]
    public void A_root_owned_chain_resolves_and_keeps_descriptors()
    {
        Dir("a/b");
        string f = FileAt("a/b/f");
        using var r = SecurePath.Resolve(f, "Test");
        Assert.Equal(f, r.RealPath);
        Assert.Equal("f", r.Name);
        Assert.True(r.Status!.Value.IsRegularFile);
        using var fd = r.OpenRegularFile();
        Assert.Equal(r.Status.Value.Inode, FileSystem.Stat(fd).Inode);
        Assert.Null(SecurePath.FindWeakness(f));
    }

    [Fact]
    public void Merged_usr_links_are_followed()
    {
        // /bin -> usr/bin on merged-/usr systems: a root-owned link in a root-only directory.
        using var r = SecurePath.Resolve("/bin/sh", "Test", PathOptions.FollowFinalLink);
        Assert.StartsWith("/usr/bin/", r.RealPath + "/", StringComparison.Ordinal);
        Assert.Null(SecurePath.FindWeakness("/bin/sh"));
    }

    [Fact]
    public void A_directory_of_another_user_on_the_way_is_refused()
    {
        Dir("user", owner: Nobody);
        Dir("user/sub");
        string f = FileAt("user/sub/victim");
        var e = Refused(f);
        Assert.Equal("TestUntrustedPath", e.ErrorId);
        Assert.Equal(FailureKind.SecurityError, e.Kind);
        Assert.Contains($"'{_root}/user' belongs to uid {Nobody}", e.Message);
        Assert.Contains("belongs to uid 65534", SecurePath.FindWeakness(f));
    }

    [Theory]
    [InlineData(0x1FD, "its group")]     // 0775
    [InlineData(0x1FF, "every user")]    // 0777
    public void A_directory_others_may_write_is_refused(int mode, string who)
    {
        Dir("w", mode);
        string f = FileAt("w/f");
        var e = Refused(f);
        Assert.Equal("TestUntrustedPath", e.ErrorId);
        Assert.Contains($"'{_root}/w' is writable by {who}", e.Message);
    }

    [Fact]
    public void A_sticky_directory_is_trusted_only_for_root_owned_entries()
    {
        Dir("sticky", 0x3FF); // 1777, like /tmp
        string mine = FileAt("sticky/root-file");
        string theirs = FileAt("sticky/user-file", Nobody);
        using (var r = SecurePath.Resolve(mine, "Test")) Assert.True(r.Exists);
        Assert.Contains("sticky", Refused(theirs).Message);
        // Not for the capability shell script, and not for a name someone could create first.
        Assert.Equal("TestUntrustedPath", Refused(mine, PathOptions.RootOnlyDirectories).ErrorId);
        Assert.Contains("create", Refused(Path.Combine(_root, "sticky/new"), PathOptions.AllowMissing).Message);
    }

    [Fact]
    public void Links_are_followed_only_when_root_owns_them()
    {
        Dir("real/d");
        string f = FileAt("real/d/f");
        Link("rootlink", "real/d");                       // relative target
        Link("abslink", Path.Combine(_root, "real/d"));   // absolute target: restarts at /
        Link("userlink", Path.Combine(_root, "real/d"), Nobody);
        using (var r = SecurePath.Resolve(Path.Combine(_root, "rootlink/f"), "Test")) Assert.Equal(f, r.RealPath);
        using (var r = SecurePath.Resolve(Path.Combine(_root, "abslink/f"), "Test")) Assert.Equal(f, r.RealPath);
        var e = Refused(Path.Combine(_root, "userlink/f"));
        Assert.Equal("TestUntrustedPath", e.ErrorId);
        Assert.Contains("is a symbolic link that belongs to uid 65534", e.Message);
    }

    [Fact]
    public void A_link_in_the_last_place_is_refused_with_its_target_unless_asked()
    {
        Dir("d");
        string f = FileAt("d/f");
        string link = Link("d/l", "f");
        var e = Refused(link);
        Assert.Equal("TestTargetIsSymlink", e.ErrorId);
        Assert.Contains(f, e.Message);
        using var r = SecurePath.Resolve(link, "Test", PathOptions.FollowFinalLink);
        Assert.Equal(f, r.RealPath);
    }

    [Fact]
    public void Dot_dot_after_a_link_is_the_kernel_s_not_the_text_s()
    {
        // l -> deep/a/b: "l/../x" is deep/a/x for open(2); by text it would be <root>/x.
        Dir("deep/a/b");
        string kernels = FileAt("deep/a/x", text: "kernel");
        FileAt("x", text: "text");
        Link("l", "deep/a/b");
        string path = Path.Combine(_root, "l/../x");
        using var r = SecurePath.Resolve(path, "Test");
        Assert.Equal(kernels, r.RealPath);
        Assert.Equal("kernel", r.ReadAllText(100));
        // What open(2) reads (.NET's File would remove ".." by text first, as PowerShell does).
        using (var fd = FileSystem.Open(path, FileSystem.O_RDONLY))
        {
            var buffer = new byte[16];
            Assert.Equal("kernel", System.Text.Encoding.ASCII.GetString(buffer, 0, FileSystem.Read(fd, buffer)));
        }
        // ".." at "/" stays there.
        using var top = SecurePath.Resolve("/../../usr/bin/../bin/sh", "Test", PathOptions.FollowFinalLink);
        Assert.StartsWith("/usr/bin/", top.RealPath, StringComparison.Ordinal);
    }

    [Fact]
    public void Dot_dot_through_a_user_s_link_is_refused()
    {
        // The attack of -LiteralPath /tmp/evil/lnk/../../x: the user's directory is refused before the link is read.
        Dir("evil", owner: Nobody);
        Dir("sys/a/b");
        FileAt("sys/a/x");
        Link("evil/lnk", Path.Combine(_root, "sys/a/b"), Nobody);
        Assert.Equal("TestUntrustedPath", Refused(Path.Combine(_root, "evil/lnk/../x")).ErrorId);
    }

    [Fact]
    public void A_link_loop_is_refused_like_ELOOP()
    {
        Link("loop1", "loop2");
        Link("loop2", "loop1");
        var e = Refused(Path.Combine(_root, "loop1/f"));
        Assert.Equal("TestOpenFailed", e.ErrorId);
        Assert.Contains("more than 40 symbolic links", e.Message);
    }

    [Fact]
    public void A_missing_or_vanished_component_is_a_refusal_never_trusted()
    {
        Dir("d");
        string f = FileAt("d/f");
        var missing = Refused(Path.Combine(_root, "gone/f"));
        Assert.Equal("TestFileNotFound", missing.ErrorId);
        Assert.NotNull(SecurePath.FindWeakness(Path.Combine(_root, "gone/f")));
        Assert.Equal("TestFileNotFound", Refused(Path.Combine(_root, "d/nothing")).ErrorId);
        Assert.Equal("TestOpenFailed", Refused(f + "/more").ErrorId); // a file used as a directory: ENOTDIR
        // A missing last name is accepted only when asked (a file about to be created).
        using var r = SecurePath.Resolve(Path.Combine(_root, "d/new"), "Test", PathOptions.AllowMissing);
        Assert.False(r.Exists);
        Assert.Equal("TestFileNotFound", Refused(Path.Combine(_root, "gone/new"), PathOptions.AllowMissing).ErrorId);
    }

    [Fact]
    public void FIFOs_and_devices_are_refused_before_they_are_opened()
    {
        Dir("d");
        string fifo = Path.Combine(_root, "d/fifo");
        using (var p = Process.Start("mkfifo", fifo)) p.WaitForExit();
        var watch = Stopwatch.StartNew();
        using var r = SecurePath.Resolve(fifo, "Test"); // O_PATH never blocks
        var e = Assert.Throws<PerfSecurityException>(() => r.OpenRegularFile().Dispose());
        Assert.Equal("TestTargetNotRegularFile", e.ErrorId);
        Assert.Contains("FIFO", e.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
        using var dev = SecurePath.Resolve("/dev/zero", "Test");
        Assert.Contains("character device", Assert.Throws<PerfSecurityException>(() => dev.ReadAll(10)).Message);
    }

    [Fact]
    public void A_file_replaced_after_the_walk_is_not_opened()
    {
        Dir("d");
        string f = FileAt("d/f");
        string other = FileAt("d/other");
        using var r = SecurePath.Resolve(f, "Test");
        File.Move(other, f, overwrite: true);
        var e = Assert.Throws<PerfSecurityException>(() => r.OpenRegularFile().Dispose());
        Assert.Equal("TestUntrustedPath", e.ErrorId);
        Assert.Contains("replaced", e.Message);
    }

    [Fact]
    public void Writes_go_to_the_walked_directory_whatever_happens_to_the_names()
    {
        Dir("d/sub");
        using var r = SecurePath.Resolve(Path.Combine(_root, "d/sub/file"), "Test", PathOptions.AllowMissing);
        // After the walk the directory is moved away and another put in its place: the descriptor still names the first.
        Directory.Move(Path.Combine(_root, "d/sub"), Path.Combine(_root, "d/moved"));
        Dir("d/sub");
        AtomicFile.Write(r, "content"u8, 0x1A4, 0, 0);
        Assert.Equal("content", File.ReadAllText(Path.Combine(_root, "d/moved/file")));
        Assert.False(File.Exists(Path.Combine(_root, "d/sub/file")));
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, "d/moved"), ".*.tmp"));
    }

    [Fact]
    public void FindWeakness_reports_the_file_itself()
    {
        Dir("d");
        string f = FileAt("d/f");
        File.SetUnixFileMode(f, (UnixFileMode)0x1FF);
        Assert.Contains("writable by every user", SecurePath.FindWeakness(f));
        Assert.Contains("does not exist", SecurePath.FindWeakness(Path.Combine(_root, "d/none")));
    }
}
