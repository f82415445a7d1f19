namespace PerfSecurity.Baselines;

/// <summary>A perf users group and its members (listed in /etc/group or by primary group).</summary>
public sealed record BaselineGroup(string Name, uint? Gid, string[] Members);
