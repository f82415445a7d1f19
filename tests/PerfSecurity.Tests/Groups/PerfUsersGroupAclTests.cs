using PerfSecurity.Acl;
using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using PerfSecurity.Groups;
using PerfSecurity.Native;
using PerfSecurity.Tests.Acl;
using Xunit;

namespace PerfSecurity.Tests.Groups;

/// <summary>The ACL steps of the procedure on real files (as root), with "daemon" as the perf users group.</summary>
public sealed class PerfUsersGroupAclTests : IDisposable
{
    private const string Group = "daemon";
    private const uint Outsider = 65534; // nobody
    private readonly string _dir = Directory.CreateTempSubdirectory("pugacl").FullName;
    private readonly uint _gid = Accounts.GroupByName(Group)!.Value.Gid;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Binary(PosixAcl? acl, uint gid = 0, bool withCaps = false)
    {
        string path = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        File.Copy(Fixtures.PlainElf, path);
        using var fd = FileSystem.Open(path, FileSystem.O_RDONLY);
        FileSystem.FChown(fd, 0, gid, path);
        FileSystem.FChmod(fd, 0x1E8, path);
        if (acl is not null) PosixAclFile.Write(fd, acl, path);
        if (withCaps)
            Xattr.Set(fd, FileCapabilityData.XattrName, new FileCapabilityData(CapabilitySet.Of(CapabilityTable.Perfmon), CapabilitySet.Empty, true).Encode());
        return path;
    }

    private static PerfUsersGroupRequest Request(string path, PerfUsersGroupGrant grant)
        => new(Group, new PerfBinaryLocation(path, null), CapabilitySet.Of(CapabilityTable.Perfmon), Array.Empty<string>(), grant);

    private static PosixAcl? AclOf(string path) => PosixAclFile.ReadNoFollow(path).Acl;

    private static PosixAcl With(params string[] lines) => PosixAcl.Create(lines.Select(AclSamples.ParseNumeric));

    [SkippableFact]
    public void Removes_each_outsider_entry_keeps_refusing_ones_and_the_groups_and_changes_nothing_the_second_time()
    {
        RootWithAclTools.Require();
        string path = Binary(With("user::rwx", "user:0:rwx", $"user:{Outsider}:r-x", "user:4242:---", "group::r-x", $"group:{_gid}:r-x", "group:4343:--x", "mask::r-x", "other::---"), _gid, withCaps: true);
        var changes = PerfUsersGroupSetup.Apply(Request(path, PerfUsersGroupGrant.Group), ChangeGate.Always());
        Assert.Equal(new[] { $"RemoveAclEntry: Remove the ACL entry user:nobody:r-x (fsetxattr)", "RemoveAclEntry: Remove the ACL entry group:4343:--x (fsetxattr)" }, changes);
        Assert.Equal(new[] { "user::rwx", "user:0:rwx", "user:4242:---", "group::r-x", $"group:{_gid}:r-x", "mask::r-x", "other::---" }, AclOf(path)!.ToText());
        Assert.NotNull(FileCapabilities.Read(path)); // nothing else needed changing: the capabilities stayed
        Assert.Empty(PerfUsersGroupSetup.Apply(Request(path, PerfUsersGroupGrant.Group), ChangeGate.Always()));
    }

    [SkippableFact]
    public void The_last_named_entry_takes_the_mask_with_it_and_group_write_stays_masked()
    {
        RootWithAclTools.Require();
        // group::rwx hidden by the mask: dropping the mask must not hand the group write access.
        string path = Binary(With("user::rwx", $"user:{Outsider}:r-x", "group::rwx", "mask::r-x", "other::---"));
        var changes = PerfUsersGroupSetup.Apply(Request(path, PerfUsersGroupGrant.Group), ChangeGate.Always());
        Assert.Contains("RemoveAclEntry: Remove the ACL entry user:nobody:r-x (fsetxattr)", changes);
        Assert.Null(AclOf(path));
        var st = FileSystem.Stat(path);
        Assert.Equal(0x1E8u, st.Permissions);
        Assert.Equal(_gid, st.Gid);
        Assert.Empty(PerfUsersGroupSetup.Apply(Request(path, PerfUsersGroupGrant.Group), ChangeGate.Always()));
    }

    [SkippableFact]
    public void Grant_acl_keeps_the_group_adds_the_entry_and_empties_the_owning_groups()
    {
        RootWithAclTools.Require();
        string path = Binary(With("user::rwx", $"user:{Outsider}:r-x", "group::r-x", "mask::r-x", "other::---"));
        var changes = PerfUsersGroupSetup.Apply(Request(path, PerfUsersGroupGrant.Acl), ChangeGate.Always());
        Assert.Equal(new[] { "GrantAclEntry", "RemoveAclEntry", "RemoveAclEntry", "SetCapabilities" }, changes.Select(c => c[..c.IndexOf(':')]));
        Assert.Equal(new[] { "user::rwx", "group::---", $"group:{_gid}:r-x", "mask::r-x", "other::---" }, AclOf(path)!.ToText());
        var st = FileSystem.Stat(path);
        Assert.Equal((0u, 0u, 0x1E8u), (st.Uid, st.Gid, st.Permissions));
        Assert.Empty(PerfUsersGroupSetup.Apply(Request(path, PerfUsersGroupGrant.Acl), ChangeGate.Always()));
    }

    [SkippableFact]
    public void Grant_acl_on_a_file_without_an_acl_creates_one_with_a_mask()
    {
        RootWithAclTools.Require();
        string path = Binary(null);
        PerfUsersGroupSetup.Apply(Request(path, PerfUsersGroupGrant.Acl), ChangeGate.Always());
        Assert.Equal(new[] { "user::rwx", "group::---", $"group:{_gid}:r-x", "mask::r-x", "other::---" }, AclOf(path)!.ToText());
    }

    [SkippableFact]
    public void WhatIf_lists_the_acl_steps_and_changes_nothing()
    {
        RootWithAclTools.Require();
        var acl = With("user::rwx", $"user:{Outsider}:r-x", "group::r-x", "mask::r-x", "other::---");
        string path = Binary(acl);
        var shown = new List<string>();
        PerfUsersGroupSetup.Apply(Request(path, PerfUsersGroupGrant.Acl), new ChangeGate((_, a) => { shown.Add(a); return false; }, preview: true));
        Assert.Contains($"Let the group '{Group}' execute it by the ACL entry group:{Group}:r-x (fsetxattr)", shown);
        Assert.Contains("Remove the permissions of the owning group 'root': the ACL entry group::r-x becomes group::--- (fsetxattr)", shown);
        Assert.Contains("Remove the ACL entry user:nobody:r-x (fsetxattr)", shown);
        Assert.Equal(acl, AclOf(path));
    }

    [SkippableTheory]
    [InlineData(PerfUsersGroupStep.GrantAclEntry, PerfUsersGroupGrant.Acl)]
    [InlineData(PerfUsersGroupStep.RemoveAclEntry, PerfUsersGroupGrant.Acl)]
    [InlineData(PerfUsersGroupStep.RemoveAclEntry, PerfUsersGroupGrant.Group)]
    public void A_failed_acl_step_names_itself_and_leaves_the_binary_without_capabilities(PerfUsersGroupStep failing, PerfUsersGroupGrant grant)
    {
        RootWithAclTools.Require();
        string path = Binary(With("user::rwx", $"user:{Outsider}:r-x", "group::r-x", "mask::r-x", "other::---"), grant == PerfUsersGroupGrant.Group ? _gid : 0, withCaps: true);
        var e = Assert.Throws<PerfSecurityException>(() => PerfUsersGroupSetup.Apply(Request(path, grant), ChangeGate.Always(),
            step => { if (step == failing) throw new SystemCallException("injected", Errno.EIO, path); }));
        Assert.Equal(PerfUsersGroupSetup.ErrorIdOf(failing), e.ErrorId);
        Assert.Null(FileCapabilities.Read(path));
    }

    [Fact]
    public void Grant_acl_is_refused_where_the_filesystem_has_no_acls()
    {
        var e = Assert.Throws<PerfSecurityException>(() => PerfUsersGroupAcl.Plan(new AclReading(null, Supported: false), 0x1E8, 0, 1, "g", PerfUsersGroupGrant.Acl, "/x"));
        Assert.Equal("PerfUsersGroupAclNotSupported", e.ErrorId);
        Assert.Empty(PerfUsersGroupAcl.Plan(new AclReading(null, Supported: false), 0x1E8, 1, 1, "g", PerfUsersGroupGrant.Group, "/x"));
    }
}
