using PerfSecurity.Capabilities;

namespace PerfSecurity.Resources;

/// <summary>The process that opens a session (sshd, login, or the shell that runs su, sudo or runuser).</summary>
/// <param name="Description">The program, as a person names it.</param>
/// <param name="Limits">Its limits by /proc/&lt;pid&gt;/limits name; null when it is not a known process.</param>
/// <param name="CanRaise">Whether it may raise a hard limit (CAP_SYS_RESOURCE).</param>
public sealed record SessionOpener(string Description, IReadOnlyDictionary<string, LimitPair>? Limits, bool CanRaise)
{
    /// <summary>Reads a running process.</summary>
    public static SessionOpener FromProcess(int pid)
    {
        var limits = ProcessLimits.Read(pid);
        var status = ProcessCapabilities.Read(pid);
        bool raise = status?.Effective.Contains(CapabilityTable.SysResource) == true;
        return new SessionOpener($"process {pid} ({status?.Name ?? "?"})", limits, raise);
    }
}
