using System.Globalization;
using PerfSecurity.Native;

namespace PerfSecurity.Counting;

/// <summary>What this process may do with perf_events: its effective capabilities.</summary>
public static class Privileges
{
    public const int CapSysPtrace = 19, CapSysAdmin = 21, CapPerfmon = 38;

    /// <summary>Whether the capability is in this process's effective set (CapEff of /proc/self/status).</summary>
    public static bool HasEffective(int capability)
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("CapEff:", StringComparison.Ordinal)
                && ulong.TryParse(line.AsSpan(7).Trim(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong mask))
                return (mask >> capability & 1) != 0;
        }
        return false;
    }

    /// <summary>CAP_PERFMON or CAP_SYS_ADMIN (the kernel's perfmon_capable).</summary>
    public static bool PerfmonCapable => HasEffective(CapPerfmon) || HasEffective(CapSysAdmin);

    /// <summary>The owner uid of a process, or null when it is gone.</summary>
    public static uint? OwnerOf(int pid)
    {
        try { return FileSystem.Stat($"/proc/{pid}").Uid; }
        catch (Errors.SystemCallException) { return null; }
    }

    public static string UserName(uint uid) => Users.UserNames.Of(uid);
}
