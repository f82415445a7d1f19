using PerfSecurity.Capabilities;

namespace PerfSecurity.Groups;

/// <summary>What New-PerfUsersGroup is asked to do.</summary>
public sealed record PerfUsersGroupRequest(string GroupName, PerfBinaryLocation Binary, CapabilitySet Capabilities, IReadOnlyList<string> Members,
    PerfUsersGroupGrant Grant = PerfUsersGroupGrant.Group);
