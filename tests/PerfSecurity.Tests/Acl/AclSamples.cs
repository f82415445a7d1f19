using System.Globalization;
using PerfSecurity.Acl;

namespace PerfSecurity.Tests.Acl;

/// <summary>Random valid ACLs and the numeric getfacl text of one entry.</summary>
internal static class AclSamples
{
    private static AclPermissions Perm(Random rng) => (AclPermissions)rng.Next(8);

    /// <summary>
    /// A valid ACL with up to three named users from <paramref name="uids"/> and groups from <paramref name="gids"/>,
    /// in the order setfacl writes them; the mask is often --- or missing where the kernel allows.
    /// </summary>
    public static PosixAcl Random(Random rng, IReadOnlyList<uint> uids, IReadOnlyList<uint> gids)
    {
        var entries = new List<AclEntry> { new(AclTag.UserObj, Perm(rng)) };
        foreach (uint u in uids.OrderBy(_ => rng.Next()).Take(rng.Next(4)).Order()) entries.Add(new(AclTag.User, Perm(rng), u));
        entries.Add(new(AclTag.GroupObj, Perm(rng)));
        foreach (uint g in gids.OrderBy(_ => rng.Next()).Take(rng.Next(4)).Order()) entries.Add(new(AclTag.Group, Perm(rng), g));
        bool named = entries.Any(e => e.IsNamed);
        if (named || rng.Next(3) == 0) entries.Add(new(AclTag.Mask, rng.Next(5) == 0 ? AclPermissions.None : Perm(rng)));
        entries.Add(new(AclTag.Other, Perm(rng)));
        return PosixAcl.Create(entries);
    }

    public static PosixAcl Random(Random rng, int userCount, int groupCount)
        => Random(rng, Enumerable.Range(0, userCount).Select(i => (uint)(1000 + i * 7)).ToList(),
            Enumerable.Range(0, groupCount).Select(i => (uint)(2000 + i * 11)).ToList());

    /// <summary>"user:1001:r-x" → the entry (the numeric form getfacl -n prints).</summary>
    public static AclEntry ParseNumeric(string line)
    {
        string[] f = line.Split(':');
        var p = (f[2][0] == 'r' ? AclPermissions.Read : 0) | (f[2][1] == 'w' ? AclPermissions.Write : 0) | (f[2][2] == 'x' ? AclPermissions.Execute : 0);
        bool named = f[1].Length > 0;
        AclTag tag = f[0] switch
        {
            "user" => named ? AclTag.User : AclTag.UserObj,
            "group" => named ? AclTag.Group : AclTag.GroupObj,
            "mask" => AclTag.Mask,
            _ => AclTag.Other,
        };
        return new AclEntry(tag, p, named ? uint.Parse(f[1], CultureInfo.InvariantCulture) : AclEntry.UndefinedId);
    }
}
