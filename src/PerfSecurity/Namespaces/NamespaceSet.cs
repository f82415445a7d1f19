namespace PerfSecurity.Namespaces;

/// <summary>
/// The namespaces of a process that differ from the host's, as their /proc/PID/ns links name them
/// ("pid:[4026532301]"); null where the namespace is the host's or cannot be read (the links need ptrace read access).
/// </summary>
public sealed record NamespaceSet(string? Pid, string? User, string? Cgroup, string? Mount)
{
    public static readonly NamespaceSet Host = new(null, null, null, null);

    public bool IsHost => Pid is null && User is null && Cgroup is null && Mount is null;

    /// <summary>"user:[4026532301], pid:[4026532303]".</summary>
    public override string ToString() => string.Join(", ", new[] { User, Pid, Cgroup, Mount }.Where(n => n is not null));
}
