namespace PerfSecurity;

/// <summary>A perf users group and the perf binary it guards: who is in it, how the binary is set up, and what is wrong.</summary>
public sealed class PerfUsersGroup
{
    public PerfUsersGroup(string name, uint? gid, string[] members, string? path, string? wrapperPath, string? owner, string? group,
        string? mode, string? capabilities, string[] findings, string[] changes, string[] acl, string[] outsiders)
    {
        Name = name;
        Gid = gid;
        Members = members;
        Path = path;
        WrapperPath = wrapperPath;
        Owner = owner;
        Group = group;
        Mode = mode;
        Capabilities = capabilities;
        Findings = findings;
        Changes = changes;
        Acl = acl;
        Outsiders = outsiders;
    }

    /// <summary>The group's name.</summary>
    public string Name { get; }
    /// <summary>The group id, or null when the group does not exist.</summary>
    public uint? Gid { get; }
    public bool Exists => Gid is not null;
    /// <summary>Supplementary members as NSS lists them.</summary>
    public string[] Members { get; }
    /// <summary>The perf binary (the real binary when perf is a wrapper script), or null when none was found.</summary>
    public string? Path { get; }
    /// <summary>The wrapper script that runs <see cref="Path"/>, when there is one.</summary>
    public string? WrapperPath { get; }
    public string? Owner { get; }
    /// <summary>The binary's group.</summary>
    public string? Group { get; }
    /// <summary>The binary's permission bits in octal (0750).</summary>
    public string? Mode { get; }
    /// <summary>The binary's capabilities as getcap prints them, or null when it has none.</summary>
    public string? Capabilities { get; }
    /// <summary>The binary's access ACL as getfacl prints it ("user::rwx", "group:perf_users:r-x", ...); empty when it has none.</summary>
    public string[] Acl { get; }
    /// <summary>
    /// Who besides a root owner and the group may execute the binary, as the kernel decides with the mode and the ACL
    /// ("user:alice", "group:staff", "group root (owning group)", "others"); empty when nobody.
    /// </summary>
    public string[] Outsiders { get; }
    /// <summary>What is not as the kernel document's procedure leaves it.</summary>
    public string[] Findings { get; }
    public bool Compliant => Findings.Length == 0;
    /// <summary>What the command that returned this object changed (empty from Get-PerfUsersGroup and on a second run).</summary>
    public string[] Changes { get; }
    public bool Changed => Changes.Length > 0;
}
