using PerfSecurity.Acl;
using PerfSecurity.Errors;
using Xunit;

namespace PerfSecurity.Tests.Acl;

public sealed class PosixAclCodecTests
{
    // getfattr -n system.posix_acl_access -e hex of a file after "setfacl -m u:65534:rx" on mode 0750.
    private const string NobodyRx = "0200000001000700ffffffff02000500feff000004000500ffffffff10000500ffffffff20000000ffffffff";

    [Fact]
    public void Decodes_the_kernels_bytes_entry_by_entry()
    {
        var acl = PosixAcl.Decode(Convert.FromHexString(NobodyRx))!;
        Assert.Equal(new[] { "user::rwx", "user:65534:r-x", "group::r-x", "mask::r-x", "other::---" }, acl.ToText());
        Assert.Equal(new AclEntry(AclTag.User, AclPermissions.ReadExecute, 65534), acl.Entries[1]);
        Assert.Equal(AclPermissions.ReadExecute, acl.Mask!.Value.Permissions);
        Assert.Equal(0x1E8u, acl.ModeBits); // 0750: the group bits show the mask
        Assert.False(acl.IsMinimal);
        Assert.Equal(NobodyRx, Convert.ToHexString(acl.Encode()).ToLowerInvariant());
    }

    [Fact]
    public void A_header_without_entries_is_no_acl()
        => Assert.Null(PosixAcl.Decode(Convert.FromHexString("02000000")));

    [Theory]
    [InlineData("0200", "shorter than the 4-byte header")]
    [InlineData("01000000" + "01000700ffffffff04000500ffffffff20000000ffffffff", "version 1")]
    [InlineData("02000000" + "01000700ffffffff04000500ffffffff20000000ffff", "not a multiple of 8")]
    [InlineData("02000000" + "01000700ffffffff04000500ffffffff40000000ffffffff", "unknown tag 0x40")]
    [InlineData("02000000" + "01000f00ffffffff04000500ffffffff20000000ffffffff", "beyond rwx")]
    [InlineData("02000000" + "01000700ffffffff02000500ffffffff04000500ffffffff10000500ffffffff20000000ffffffff", "no valid id")]
    [InlineData("02000000" + "04000500ffffffff01000700ffffffff20000000ffffffff", "out of order")]
    [InlineData("02000000" + "01000700ffffffff02000500e803000004000500ffffffff20000000ffffffff", "missing its mask")]
    [InlineData("02000000" + "01000700ffffffff04000500ffffffff20000000ffffffff20000000ffffffff", "follows other::")]
    [InlineData("02000000" + "01000700ffffffff04000500ffffffff", "lacks one of")]
    [InlineData("02000000" + "01000700ffffffff01000700ffffffff04000500ffffffff20000000ffffffff", "out of order")]
    public void Refuses_what_the_kernel_refuses(string hex, string why)
    {
        var e = Assert.Throws<PerfSecurityException>(() => PosixAcl.Decode(Convert.FromHexString(hex)));
        Assert.Equal("PerfAclInvalid", e.ErrorId);
        Assert.Equal(FailureKind.InvalidData, e.Kind);
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void Unnamed_entries_carry_the_undefined_id()
    {
        var acl = PosixAcl.Create(new[]
        {
            new AclEntry(AclTag.UserObj, AclPermissions.All, 5), new AclEntry(AclTag.GroupObj, AclPermissions.Read, 7),
            new AclEntry(AclTag.Other, AclPermissions.None, 9),
        });
        Assert.Equal("02000000" + "01000700ffffffff" + "04000400ffffffff" + "20000000ffffffff", Convert.ToHexString(acl.Encode()).ToLowerInvariant());
        Assert.True(acl.IsMinimal);
        Assert.Equal(PosixAcl.FromMode(0x1E0), acl); // 0740
    }

    [Fact]
    public void Random_acls_round_trip()
    {
        var rng = new Random(16);
        for (int k = 0; k < 2000; k++)
        {
            var acl = AclSamples.Random(rng, rng.Next(1, 100), rng.Next(1, 100));
            Assert.Equal(acl, PosixAcl.Decode(acl.Encode()));
            Assert.Equal(4 + 8 * acl.Entries.Count, acl.Encode().Length);
        }
    }

    [Fact]
    public void Edits_keep_the_kernels_order_and_never_widen_the_group_class()
    {
        var acl = PosixAcl.Decode(Convert.FromHexString(NobodyRx))!
            .WithUnnamed(AclTag.GroupObj, AclPermissions.All) // group::rwx hidden by mask::r-x
            .WithNamed(AclTag.User, 10, AclPermissions.Read, AclPermissions.None)
            .WithNamed(AclTag.Group, 30, AclPermissions.ReadExecute, AclPermissions.None)
            .WithNamed(AclTag.Group, 20, AclPermissions.Execute, AclPermissions.None);
        Assert.Equal(new[] { "user::rwx", "user:10:r--", "user:65534:r-x", "group::rwx", "group:20:--x", "group:30:r-x", "mask::r-x", "other::---" }, acl.ToText());
        Assert.Equal(acl, PosixAcl.Decode(acl.Encode()));
        var bare = acl.WithoutNamed(AclTag.User, 10).WithoutNamed(AclTag.User, 65534).WithoutNamed(AclTag.Group, 20).WithoutNamed(AclTag.Group, 30);
        // The last named entry takes the mask with it; group:: keeps what the mask let through, not rwx.
        Assert.Equal(new[] { "user::rwx", "group::r-x", "other::---" }, bare.ToText());
        Assert.True(bare.IsMinimal);
        var masked = PosixAcl.FromMode(0x1ED).WithNamed(AclTag.Group, 5, AclPermissions.ReadExecute, AclPermissions.Execute);
        Assert.Equal(new[] { "user::rwx", "group::r-x", "group:5:r-x", "mask::--x", "other::r-x" }, masked.ToText());
    }

    [Fact]
    public void Chmod_sets_owner_mask_and_other()
    {
        var acl = PosixAcl.Decode(Convert.FromHexString(NobodyRx))!.WithMode(0x1C1); // 0701
        Assert.Equal(new[] { "user::rwx", "user:65534:r-x", "group::r-x", "mask::---", "other::--x" }, acl.ToText());
        // Without a mask chmod sets group:: itself.
        Assert.Equal(new[] { "user::r--", "group::r--", "other::--x" }, PosixAcl.FromMode(0x1ED).WithMode(0x121).ToText()); // 0755 -> 0441
    }
}

/// <summary>The kernel's decision, hand-checked against fs/posix_acl.c and fs/namei.c for the cases that matter here.</summary>
public sealed class AclAccessTests
{
    private static readonly uint[] None = Array.Empty<uint>();
    private static PosixAcl Acl(params string[] lines) => PosixAcl.Create(lines.Select(AclSamples.ParseNumeric));

    [Fact]
    public void A_named_user_entry_under_the_mask_lets_an_outsider_execute()
    {
        var acl = Acl("user::rwx", "user:1001:r-x", "group::r-x", "mask::r-x", "other::---");
        Assert.True(AclAccess.Allows(0, 500, 0x1E8, acl, 1001, new uint[] { 1001 }, AclPermissions.Execute));
        Assert.False(AclAccess.Allows(0, 500, 0x1E8, acl, 1002, new uint[] { 1002 }, AclPermissions.Execute));
        Assert.True(AclAccess.Allows(0, 500, 0x1E8, acl, 1002, new uint[] { 1002, 500 }, AclPermissions.Execute));
        var who = AclAccess.Executors(0, 500, 0x1E8, acl);
        Assert.Equal(new[] { AclGrantKind.Owner, AclGrantKind.User, AclGrantKind.OwningGroup }, who.Select(g => g.Kind));
        Assert.Equal(new[] { AclGrantKind.User }, AclAccess.Outsiders(who, 500).Select(g => g.Kind));
    }

    [Fact]
    public void The_mask_limits_named_entries_and_the_owning_group()
    {
        var acl = Acl("user::rwx", "user:1001:rwx", "group::rwx", "group:700:rwx", "mask::r--", "other::--x");
        Assert.False(AclAccess.Allows(0, 500, 0x1E1, acl, 1001, None, AclPermissions.Execute));
        Assert.False(AclAccess.Allows(0, 500, 0x1E1, acl, 1002, new uint[] { 700 }, AclPermissions.Execute));
        // Matched a group entry: other:: no longer applies.
        Assert.False(AclAccess.Allows(0, 500, 0x1E1, acl, 1002, new uint[] { 500 }, AclPermissions.Execute));
        Assert.True(AclAccess.Allows(0, 500, 0x1E1, acl, 1003, None, AclPermissions.Execute));
        Assert.Equal(new[] { AclGrantKind.Owner, AclGrantKind.Others }, AclAccess.Executors(0, 500, 0x1E1, acl).Select(g => g.Kind));
    }

    [Fact]
    public void Any_matching_group_entry_that_grants_decides()
    {
        var acl = Acl("user::rwx", "group::r--", "group:700:--x", "group:800:---", "mask::r-x", "other::r-x");
        var groups = new uint[] { 500, 700, 800 };
        Assert.True(AclAccess.Allows(0, 500, 0x1ED, acl, 1002, groups, AclPermissions.Execute));
        Assert.True(AclAccess.Allows(0, 500, 0x1ED, acl, 1002, groups, AclPermissions.Read));
        Assert.False(AclAccess.Allows(0, 500, 0x1ED, acl, 1002, groups, AclPermissions.ReadExecute)); // no single entry grants both
        Assert.False(AclAccess.Allows(0, 500, 0x1ED, acl, 1002, new uint[] { 800 }, AclPermissions.Read)); // a refusing entry beats other::
    }

    [Fact]
    public void With_a_mask_of_nothing_the_kernel_looks_at_the_mode_alone()
    {
        // acl_permission_check skips the ACL when the mode's group bits (the mask) are clear: the named user then
        // gets other::, not "user:1001:r-x masked by ---" as getfacl's #effective suggests.
        var acl = Acl("user::rwx", "user:1001:r-x", "group::r-x", "mask::---", "other::--x");
        Assert.True(AclAccess.Allows(0, 500, 0x1C1, acl, 1001, None, AclPermissions.Execute));
        Assert.False(AclAccess.Allows(0, 500, 0x1C1, acl, 1002, new uint[] { 500 }, AclPermissions.Execute));
        Assert.Equal(new[] { AclGrantKind.Owner, AclGrantKind.Others }, AclAccess.Executors(0, 500, 0x1C1, acl).Select(g => g.Kind));
    }

    [Fact]
    public void The_owner_is_judged_by_the_owner_bits_only()
    {
        var acl = Acl("user::rw-", "user:1001:rwx", "group::rwx", "mask::rwx", "other::rwx");
        Assert.False(AclAccess.Allows(1001, 500, 0x1BF, acl, 1001, new uint[] { 500 }, AclPermissions.Execute));
        Assert.DoesNotContain(AclAccess.Executors(1001, 500, 0x1BF, acl), g => g.Kind is AclGrantKind.Owner or AclGrantKind.User);
    }
}
