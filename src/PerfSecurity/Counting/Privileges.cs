using PerfSecurity.Native;

namespace PerfSecurity.Counting;

/// <summary>What this process may do with perf_events: its effective capabilities.</summary>
public static class Privileges
{
    /// <summary>Whether the capability is in this process's effective set.</summary>
    public static bool HasEffective(int capability)
        => Capabilities.ProcessCapabilities.Read(Environment.ProcessId)?.Effective.Contains(capability) ?? false;

    /// <summary>CAP_PERFMON or CAP_SYS_ADMIN (the kernel's perfmon_capable).</summary>
    public static bool PerfmonCapable
        => Capabilities.ProcessCapabilities.Read(Environment.ProcessId)?.Effective is { } e
           && (e.Contains(Capabilities.CapabilityTable.Perfmon) || e.Contains(Capabilities.CapabilityTable.SysAdmin));

    /// <summary>The owner uid of a process, or null when it is gone.</summary>
    public static uint? OwnerOf(int pid)
    {
        try { return FileSystem.Stat($"/proc/{pid}").Uid; }
        catch (Native.SystemCallException) { return null; }
    }

    public static string UserName(uint uid) => Users.UserNames.Of(uid);
}
