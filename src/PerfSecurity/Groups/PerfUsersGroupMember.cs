namespace PerfSecurity;

/// <summary>One user's membership of a perf users group.</summary>
public sealed class PerfUsersGroupMember
{
    public PerfUsersGroupMember(string groupName, string userName, uint uid, bool isMember, bool changed)
    {
        GroupName = groupName;
        UserName = userName;
        Uid = uid;
        IsMember = isMember;
        Changed = changed;
    }

    public string GroupName { get; }
    public string UserName { get; }
    public uint Uid { get; }
    public bool IsMember { get; }
    public bool Changed { get; }
}
