using System.Globalization;
using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.Capabilities;

/// <summary>Capability numbers, libcap's names and a one-line meaning of each.</summary>
public static class CapabilityTable
{
    /// <summary>The highest capability this table names (CAP_CHECKPOINT_RESTORE).</summary>
    public const int LastNamed = 40;

    /// <summary>Capability numbers are bits of a 64-bit mask.</summary>
    public const int MaxBits = 64;

    public const int Perfmon = 38;
    public const int SysAdmin = 21;
    public const int SysPtrace = 19;
    public const int Syslog = 34;
    public const int IpcLock = 14;
    public const int SysResource = 24;

    private static readonly (string Name, string Meaning)[] Entries =
    {
        ("cap_chown", "Change file owner and group"),
        ("cap_dac_override", "Bypass file read, write and execute permission checks"),
        ("cap_dac_read_search", "Bypass file read and directory search permission checks"),
        ("cap_fowner", "Bypass checks that require the file owner's UID"),
        ("cap_fsetid", "Keep set-user/group-ID bits when a file is modified"),
        ("cap_kill", "Send signals to any process"),
        ("cap_setgid", "Change group IDs and supplementary groups"),
        ("cap_setuid", "Change user IDs"),
        ("cap_setpcap", "Change capability bounding, inheritable and secure bits"),
        ("cap_linux_immutable", "Set the immutable and append-only file attributes"),
        ("cap_net_bind_service", "Bind to ports below 1024"),
        ("cap_net_broadcast", "Broadcast and listen to multicast (unused)"),
        ("cap_net_admin", "Administer network interfaces, routing and firewalls"),
        ("cap_net_raw", "Use raw and packet sockets"),
        ("cap_ipc_lock", "Lock memory; perf ring buffers beyond perf_event_mlock_kb"),
        ("cap_ipc_owner", "Bypass permission checks on System V IPC objects"),
        ("cap_sys_module", "Load and unload kernel modules"),
        ("cap_sys_rawio", "Raw I/O: ioperm, iopl, /dev/mem, MSRs"),
        ("cap_sys_chroot", "Use chroot"),
        ("cap_sys_ptrace", "Trace any process; perf on other users' processes before Linux 5.9"),
        ("cap_sys_pacct", "Turn process accounting on and off"),
        ("cap_sys_admin", "Broad system administration; perf_events privileges before Linux 5.8"),
        ("cap_sys_boot", "Reboot and load a new kernel"),
        ("cap_sys_nice", "Raise priority and set scheduling of any process"),
        ("cap_sys_resource", "Override resource limits and quotas"),
        ("cap_sys_time", "Set the system clock"),
        ("cap_sys_tty_config", "Configure terminals (vhangup)"),
        ("cap_mknod", "Create device files"),
        ("cap_lease", "Take file leases"),
        ("cap_audit_write", "Write records to the kernel audit log"),
        ("cap_audit_control", "Configure kernel auditing"),
        ("cap_setfcap", "Set file capabilities"),
        ("cap_mac_override", "Override Mandatory Access Control (Smack)"),
        ("cap_mac_admin", "Configure Mandatory Access Control (Smack)"),
        ("cap_syslog", "Read the kernel log; see kernel addresses in /proc/kallsyms"),
        ("cap_wake_alarm", "Set alarms that wake the system"),
        ("cap_block_suspend", "Block system suspend"),
        ("cap_audit_read", "Read the audit log through multicast netlink"),
        ("cap_perfmon", "Performance monitoring with perf_events (Linux 5.8+)"),
        ("cap_bpf", "Privileged BPF operations (Linux 5.8+)"),
        ("cap_checkpoint_restore", "Checkpoint and restore: set PIDs, read map_files (Linux 5.9+)"),
    };

    private static readonly Dictionary<string, int> ByName = BuildIndex();

    private static Dictionary<string, int> BuildIndex()
    {
        var d = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < Entries.Length; i++) d[Entries[i].Name] = i;
        return d;
    }

    /// <summary>libcap's name of a capability, or its decimal number when the table has no name for it.</summary>
    public static string NameOf(int cap) => cap >= 0 && cap < Entries.Length ? Entries[cap].Name : cap.ToString(CultureInfo.InvariantCulture);

    /// <summary>The upper-case kernel constant (CAP_PERFMON), or the number.</summary>
    public static string ConstantOf(int cap) => cap >= 0 && cap < Entries.Length ? Entries[cap].Name.ToUpperInvariant() : cap.ToString(CultureInfo.InvariantCulture);

    /// <summary>Every named capability, in number order.</summary>
    public static IEnumerable<(int Number, string Name, string Meaning)> All()
    {
        for (int i = 0; i < Entries.Length; i++) yield return (i, Entries[i].Name, Entries[i].Meaning);
    }

    /// <summary>
    /// A capability from a name (any case, with or without "cap_") or a number (decimal, 0x hex, 0-prefixed octal, below 64).
    /// Returns false for anything else.
    /// </summary>
    public static bool TryParse(string? text, out int cap)
    {
        cap = -1;
        if (string.IsNullOrWhiteSpace(text)) return false;
        string s = text.Trim();
        if (char.IsAsciiDigit(s[0]))
            return TryParseNumber(s, out cap) && cap < MaxBits;
        if (ByName.TryGetValue(s, out cap)) return true;
        if (ByName.TryGetValue("cap_" + s, out cap)) return true;
        cap = -1;
        return false;
    }

    /// <summary>Parses one capability, failing with PerfCapabilityUnknownName.</summary>
    public static int Parse(string text)
    {
        if (TryParse(text, out int cap)) return cap;
        throw new PerfSecurityException("PerfCapabilityUnknownName", FailureKind.InvalidArgument,
            $"'{text}' is not a capability. Use a name such as cap_perfmon or perfmon (see Get-Help about_PerfSecurity), or a number from 0 to 63.", text);
    }

    /// <summary>strtoul(…, 0) for the whole string: decimal, 0x hex or leading-0 octal.</summary>
    internal static bool TryParseNumber(string s, out int value)
    {
        value = -1;
        ulong v = 0;
        int i = 0, radix = 10;
        if (s.Length > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) { radix = 16; i = 2; }
        else if (s.Length > 1 && s[0] == '0') { radix = 8; i = 1; }
        if (i >= s.Length) return false;
        for (; i < s.Length; i++)
        {
            int d = HexDigit(s[i]);
            if (d < 0 || d >= radix) return false;
            v = v * (ulong)radix + (ulong)d;
            if (v > int.MaxValue) return false;
        }
        value = (int)v;
        return true;
    }

    internal static int HexDigit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static int? s_kernelCount;

    /// <summary>
    /// How many capabilities the running kernel has (cap_last_cap + 1), as libcap finds at start-up.
    /// Falls back to probing PR_CAPBSET_READ when /proc is not mounted.
    /// </summary>
    public static int KernelCapabilityCount => s_kernelCount ??= ReadKernelCount();

    private static int ReadKernelCount()
    {
        try
        {
            if (int.TryParse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int last) && last >= 0 && last < MaxBits)
                return last + 1;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        int lo = 0, hi = MaxBits;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (CapabilityControl.KernelKnows(mid)) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
