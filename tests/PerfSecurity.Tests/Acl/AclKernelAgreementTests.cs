using System.Diagnostics;
using PerfSecurity.Acl;
using PerfSecurity.Groups;
using PerfSecurity.Native;
using Xunit;
using Xunit.Abstractions;

namespace PerfSecurity.Tests.Acl;

/// <summary>What the tests that need root and the acl and util-linux tools check first: a skip, with the reason, otherwise.</summary>
internal static class RootWithAclTools
{
    public static void Require()
    {
        Skip.IfNot(Privilege.IsRoot, "needs root: it sets owners and ACLs and runs commands as other uids");
        Skip.If(!File.Exists("/usr/bin/setfacl") || !File.Exists("/usr/bin/getfacl"), "needs setfacl and getfacl (package acl)");
        Skip.If(!File.Exists("/usr/bin/setpriv") || !File.Exists("/usr/bin/test"), "needs setpriv (util-linux) and /usr/bin/test (coreutils)");
    }
}

/// <summary>
/// The codec and the permission check against the kernel itself: random ACLs are written (by the encoder or by
/// setfacl), read back (by the decoder and by getfacl), and the module's verdict for random callers is compared with
/// what access(2) answers to /usr/bin/test run with that uid and those groups.
/// </summary>
public sealed class AclKernelAgreementTests : IDisposable
{
    private static readonly uint[] Uids = { 61001, 61002, 61003, 61004 };
    private static readonly uint[] Gids = { 62001, 62002, 62003, 62004 };
    private readonly string _dir = Directory.CreateTempSubdirectory("psacl").FullName;
    private readonly ITestOutputHelper _out;

    public AclKernelAgreementTests(ITestOutputHelper output)
    {
        _out = output;
        // Other uids must reach the file.
        File.SetUnixFileMode(_dir, (UnixFileMode)0x1ED);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout + stderr);
    }

    /// <summary>"rwx" as access(2) answers for the uid and groups (setpriv drops every capability with the uid).</summary>
    private static string KernelSays(string path, uint uid, uint gid, List<uint> supplementary)
    {
        var args = new List<string> { $"--reuid={uid}", $"--regid={gid}" };
        args.Add(supplementary.Count == 0 ? "--clear-groups" : "--groups=" + string.Join(",", supplementary));
        args.AddRange(new[] { "--", "/bin/sh", "-c",
            "for o in r w x; do if /usr/bin/test -$o \"$1\"; then printf $o; else printf -; fi; done", "sh", path });
        var (code, text) = Run("/usr/bin/setpriv", args.ToArray());
        Assert.True(code == 0, text);
        return text.Trim();
    }

    private static string ModuleSays(FileStatus st, PosixAcl? acl, uint uid, IReadOnlyCollection<uint> groups)
        => string.Concat(new[] { ('r', AclPermissions.Read), ('w', AclPermissions.Write), ('x', AclPermissions.Execute) }
            .Select(p => AclAccess.Allows(st.Uid, st.Gid, st.Permissions, acl, uid, groups, p.Item2) ? p.Item1 : '-'));

    private static string[] GetFacl(string path)
    {
        var (code, text) = Run("/usr/bin/getfacl", "-n", "--omit-header", "--no-effective", "--absolute-names", path);
        Assert.True(code == 0, text);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    [SkippableFact]
    public void Fifty_random_acls_agree_with_the_kernel_getfacl_and_access()
    {
        RootWithAclTools.Require();
        var rng = new Random(20240916);
        string path = Path.Combine(_dir, "f");
        File.WriteAllBytes(path, Array.Empty<byte>());
        using var fd = FileSystem.Open(path, FileSystem.O_RDONLY | FileSystem.O_NOFOLLOW);
        int verdicts = 0, maskNone = 0, matchedNamed = 0;
        for (int k = 0; k < 50; k++)
        {
            // Start from a plain mode, then the ACL, so that setfacl and the encoder start alike.
            Xattr.Remove(fd, PosixAcl.AccessXattrName);
            uint owner = Uids[rng.Next(Uids.Length)], group = Gids[rng.Next(Gids.Length)];
            FileSystem.FChown(fd, owner, group, path);
            var acl = AclSamples.Random(rng, Uids, Gids);
            if (acl.Mask is { Permissions: AclPermissions.None }) maskNone++;
            if (k % 2 == 0) PosixAclFile.Write(fd, acl, path);
            else
            {
                var (code, text) = Run("/usr/bin/setfacl", "-n", "--set", string.Join(",", acl.ToText()), path);
                Assert.True(code == 0, text);
            }

            PosixAcl? stored = PosixAclFile.Read(fd, path).Acl;
            Assert.Equal(acl.IsMinimal ? null : acl, stored);
            FileStatus st = FileSystem.Stat(fd);
            Assert.Equal(acl.ModeBits, st.Permissions & 0x1FF);
            Assert.Equal(acl.ToText(), GetFacl(path));

            var executors = AclAccess.Executors(st.Uid, st.Gid, st.Permissions, stored);
            for (int s = 0; s < 6; s++)
            {
                uint uid = s == 0 ? owner : Uids[rng.Next(Uids.Length)] + (uint)(rng.Next(4) == 0 ? 10 : 0);
                uint primary = Gids[rng.Next(Gids.Length)];
                var supplementary = Gids.Where(_ => rng.Next(3) == 0).Where(g => g != primary).ToList();
                var groups = supplementary.Append(primary).ToList();
                string kernel = KernelSays(path, uid, primary, supplementary);
                string module = ModuleSays(st, stored, uid, groups);
                Assert.True(kernel == module,
                    $"ACL {acl} on {owner}:{group} mode {Convert.ToString(st.Permissions, 8)}, caller {uid} groups {string.Join(",", groups)}: kernel {kernel}, module {module}");
                verdicts += 3;
                if (stored?.NamedEntries.Any(e => e.Id == uid || groups.Contains(e.Id)) == true) matchedNamed++;
                // Everyone the kernel lets execute is among the executors the reports list.
                if (kernel[2] == 'x')
                    Assert.Contains(executors, g => g.Kind switch
                    {
                        AclGrantKind.Owner or AclGrantKind.User => g.Id == uid,
                        AclGrantKind.OwningGroup or AclGrantKind.Group => groups.Contains(g.Id),
                        _ => true,
                    });
            }

            // chmod as the kernel applies it to an ACL (__posix_acl_chmod_masq).
            uint mode = (uint)rng.Next(0x200);
            FileSystem.FChmod(fd, mode, path);
            Assert.Equal(stored?.WithMode(mode), PosixAclFile.Read(fd, path).Acl);

            // Removing every named entry leaves a plain mode that grants nobody more than before.
            if (stored is not null && k % 2 == 1)
            {
                var edited = stored.WithMode(mode);
                uint before = FileSystem.Stat(fd).Permissions;
                foreach (var e in edited.NamedEntries.ToList())
                {
                    edited = edited.WithoutNamed(e.Tag, e.Id);
                    PosixAclFile.Write(fd, edited, path);
                }
                Assert.Equal(edited.IsMinimal ? null : edited, PosixAclFile.Read(fd, path).Acl);
                uint after = FileSystem.Stat(fd).Permissions & 0x1FF;
                Assert.Equal(edited.ModeBits, after);
                Assert.Equal(0u, after & ~before);
            }
        }
        _out.WriteLine($"50 ACLs ({maskNone} with mask::---), {verdicts} r/w/x verdicts agreed with the kernel, {matchedNamed} callers matched a named entry.");
        Assert.True(maskNone > 0 && matchedNamed > 20, "the sample should reach masks of --- and named entries");
    }
}
