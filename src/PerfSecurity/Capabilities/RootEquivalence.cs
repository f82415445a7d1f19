namespace PerfSecurity.Capabilities;

/// <summary>
/// The capabilities with which a process whose user controls it can make itself full root, each with the way it
/// does (capabilities(7)). The one list behind the confirmation (-Force) of Set-PerfCapability, for a program,
/// and New-PerfCapabilityShell, for a shell. Left out: capabilities that need another weakness first (cap_setpcap
/// needs a file with inheritable capabilities; cap_sys_chroot a hard link to a set-user-ID program, which
/// fs.protected_hardlinks forbids) and the perf ones (cap_perfmon, cap_syslog, cap_ipc_lock, cap_bpf), which read
/// but do not write.
/// </summary>
public static class RootEquivalence
{
    private static readonly (int Cap, string How)[] Entries =
    {
        (0, "chown /etc/shadow or any other root file to oneself, then rewrite it"),
        (1, "write any file, such as /etc/shadow or /etc/sudoers"),
        (2, "read any file, such as /etc/shadow or root's SSH keys, and open files by handle outside any mount (open_by_handle_at)"),
        (3, "chmod any file, such as /etc/shadow, to make it writable"),
        (6, "take any group ID, such as disk (raw disks) or shadow"),
        (7, "set the user ID to 0"),
        (16, "load code into the kernel"),
        (17, "write kernel and device memory (/dev/mem, ioperm, MSRs)"),
        (19, "attach to root's processes and write their memory (ptrace, process_vm_writev); perf needs only cap_perfmon since Linux 5.9"),
        (CapabilityTable.SysAdmin, "mount file systems, load BPF that writes user memory and much else: close to full root"),
        (22, "boot a kernel of one's choice (kexec_load)"),
        (27, "create a device file for a raw disk in a directory one owns"),
        (31, "give any capability to a file one owns"),
    };

    /// <summary>Every root-equivalent capability.</summary>
    public static CapabilitySet Set { get; } = CapabilitySet.Of(Entries.Select(e => e.Cap).ToArray());

    /// <summary>How a holder of <paramref name="cap"/> becomes root, or null when it is not in the list.</summary>
    public static string? HowOf(int cap) => Entries.FirstOrDefault(e => e.Cap == cap).How;

    /// <summary>The root-equivalent capabilities in <paramref name="granted"/>.</summary>
    public static CapabilitySet In(CapabilitySet granted) => granted & Set;

    /// <summary>"CAP_SETUID (set the user ID to 0), CAP_SYS_ADMIN (…)" for the root-equivalent ones in <paramref name="granted"/>.</summary>
    public static string Describe(CapabilitySet granted)
        => string.Join("; ", In(granted).Numbers().Select(c => $"{CapabilityTable.ConstantOf(c)} ({HowOf(c)})"));
}
