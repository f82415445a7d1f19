using PerfSecurity.Acl;
using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using PerfSecurity.Native;
using PerfSecurity.Settings;
using PerfSecurity.Users;

namespace PerfSecurity.Groups;

/// <summary>Reads a perf users group and its binary, and lists what differs from the kernel document's procedure.</summary>
public static class PerfUsersGroupInspector
{
    public const string WorldExecutableWithCapabilities = "world-executable with capabilities";
    public const string CapabilitiesLost = "capabilities lost (binary replaced by a package upgrade?)";
    public const string NoMembers = "group has no members";
    public const string WrongGroup = "binary group is not the perf users group";
    public const string GroupMissing = "group does not exist";
    public const string OthersHaveAccess = "others may read or execute the binary (expected o-rwx)";
    public const string NotRootOwned = "binary is not owned by root";
    public const string Writable = "binary is writable by its group or others";
    public const string NoPerfmon = "capabilities lack cap_perfmon";
    public const string BinaryMissing = "no perf binary found";
    /// <summary>The start of the finding that lists who may execute the binary through POSIX ACL entries besides the group.</summary>
    public const string AclOutsiders = "ACL entries let users outside the group execute the binary";
    /// <summary>The start of the finding for a path someone other than root could redirect (New-PerfUsersGroup refuses it).</summary>
    public const string UntrustedPath = "the path is not one only root controls";

    public static PerfUsersGroup Inspect(string groupName, PerfBinaryLocation? binary, string[]? changes = null,
        KernelInfo? kernel = null, int? paranoidLevel = null)
    {
        kernel ??= KernelInfo.Current;
        paranoidLevel ??= Sysctl.ReadInt(Sysctl.ParanoidKey);
        var findings = new List<string>();
        Accounts.GroupEntry? group = GroupDatabase.Find(groupName);
        // Members: listed in the group, and users whose primary group it is.
        string[] members = group is { } g
            ? g.Members.Union(Users.AccountDatabase.Load().GroupMembers(g.Gid), StringComparer.Ordinal).OrderBy(m => m, StringComparer.Ordinal).ToArray()
            : Array.Empty<string>();
        if (group is null) findings.Add(GroupMissing);
        else if (members.Length == 0) findings.Add(NoMembers);

        string? owner = null, fileGroup = null, mode = null, capsText = null;
        string[] acl = Array.Empty<string>(), outsiders = Array.Empty<string>();
        if (binary is null) findings.Add(BinaryMissing);
        else
        {
            string file = binary.LookedAt;
            if (binary.Untrusted is { } weak) findings.Add($"{UntrustedPath}: {weak}; it names '{file}' now, and New-PerfUsersGroup refuses it");
            FileStatus st;
            try { st = FileSystem.Stat(file, followLinks: false); }
            catch (SystemCallException e)
            {
                throw PerfSecurityException.FromSystemCall("PerfUsersGroupReadFailed", e, $"Cannot inspect '{file}': {Errno.Describe(e.Errno)}.", file);
            }
            FileCapabilityData? caps = FileCapabilities.Read(file, followLinks: false);
            owner = UserNames.Of(st.Uid);
            fileGroup = GroupNames.Of(st.Gid);
            mode = Convert.ToString(st.Permissions, 8).PadLeft(4, '0');
            capsText = caps?.Text;
            bool capable = caps is not null && !caps.Permitted.IsEmpty;
            // Who may execute it, as the kernel decides with the access ACL (the mode alone when there is none).
            PosixAcl? access = PosixAclFile.ReadNoFollow(file).Acl;
            acl = access?.ToNamedText() ?? Array.Empty<string>();
            var executors = AclAccess.Executors(st.Uid, st.Gid, st.Permissions, access);
            var outside = AclAccess.Outsiders(executors, group?.Gid);
            outsiders = outside.Select(o => o.Describe()).ToArray();
            bool grantedByAcl = group is { } pg && st.Gid != pg.Gid && executors.Any(e => e.Kind == AclGrantKind.Group && e.Id == pg.Gid);
            findings.AddRange(Judge(st, capable, caps?.Permitted ?? CapabilitySet.Empty, group, kernel, grantedByAcl));
            // Others and a foreign owning group have findings of their own; an owning group that the ACL variant
            // should have closed has not.
            var byAcl = outside.Where(o => o.IsNamedEntry || (grantedByAcl && o.Kind == AclGrantKind.OwningGroup)).ToList();
            if (byAcl.Count > 0) findings.Add($"{AclOutsiders}: {string.Join(", ", byAcl.Select(o => o.Describe()))}");
        }
        if (paranoidLevel is int level && ParanoidLevel.DeniesAll(level, kernel.Flavor))
            findings.Add($"perf_event_paranoid {level} denies all perf_events use without CAP_SYS_ADMIN on this {kernel.Flavor} kernel; CAP_PERFMON does not help");

        return new PerfUsersGroup(groupName, group?.Gid, members, binary?.Path, binary?.WrapperPath,
            owner, fileGroup, mode, capsText, findings.ToArray(), changes ?? Array.Empty<string>(), acl, outsiders);
    }

    /// <summary>The findings about one binary, from its status and capabilities.</summary>
    /// <param name="st">The binary's status (owner, group, mode).</param>
    /// <param name="capable">Whether the binary has file capabilities.</param>
    /// <param name="permitted">Its permitted capabilities.</param>
    /// <param name="group">The perf users group, or null when it does not exist.</param>
    /// <param name="kernel">The running kernel (which capabilities perf needs on it).</param>
    /// <param name="grantedByAcl">The group may execute the binary through its own ACL entry (New-PerfUsersGroup -Grant Acl), so the binary keeps its group.</param>
    public static IEnumerable<string> Judge(FileStatus st, bool capable, CapabilitySet permitted, Accounts.GroupEntry? group, KernelInfo kernel,
        bool grantedByAcl = false)
    {
        if (capable && (st.Permissions & 0x1) != 0) yield return WorldExecutableWithCapabilities;
        else if ((st.Permissions & FileStatus.S_IRWXO) != 0) yield return OthersHaveAccess;
        if (group is { } g && st.Gid != g.Gid && !grantedByAcl) yield return WrongGroup;
        if (st.Uid != 0) yield return NotRootOwned;
        if ((st.Permissions & FileStatus.GroupOrOtherWrite) != 0) yield return Writable;
        if (group is not null && !capable) yield return CapabilitiesLost;
        if (capable && kernel.HasCapPerfmon && !permitted.Contains(CapabilityTable.Perfmon) && !permitted.Contains(CapabilityTable.SysAdmin))
            yield return NoPerfmon;
    }

}
