using PerfSecurity.Capabilities;
using PerfSecurity.Native;
using PerfSecurity.Users;

namespace PerfSecurity.Audit;

/// <summary>A perf binary the audit examines, and what its checks need to know of it.</summary>
public sealed record AuditedBinary(string Path, FileStatus Status, FileCapabilityData? Capabilities, bool IsScript)
{
    public string CapabilityText => Capabilities?.Text ?? "(none)";
    public string ModeText => Convert.ToString(Status.Permissions, 8).PadLeft(4, '0');
    public string GroupName => GroupNames.Of(Status.Gid);
}
