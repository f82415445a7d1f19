using System.Globalization;

namespace PerfSecurity.Namespaces;

/// <summary>
/// Reads /proc/PID/ns and compares it with the host's: PID 1's links, or where those cannot be read (they need
/// ptrace read access to PID 1), the initial namespaces' fixed inode numbers (include/uapi/linux/nsfs.h, init_ns_ino).
/// </summary>
public static class ProcessNamespaces
{
    /// <summary>The initial namespaces' links. The mount namespace has a fixed number only on recent kernels.</summary>
    private static readonly Dictionary<string, string> Initial = new()
    {
        ["user"] = "user:[4026531837]",     // USER_NS_INIT_INO 0xEFFFFFFD
        ["pid"] = "pid:[4026531836]",       // PID_NS_INIT_INO 0xEFFFFFFC
        ["cgroup"] = "cgroup:[4026531835]", // CGROUP_NS_INIT_INO 0xEFFFFFFB
        ["mnt"] = "mnt:[4026531832]",       // MNT_NS_INIT_INO 0xEFFFFFF8
    };

    /// <summary>
    /// The host's namespace of a kind: PID 1's, else the initial one. For mnt the fixed number is used only when
    /// this process is in it, which shows the kernel numbers it so.
    /// </summary>
    public static string? HostLink(string kind, string procRoot = "/proc")
    {
        if (Link(1, kind, procRoot) is { } init) return init;
        if (!Initial.TryGetValue(kind, out string? initial)) return null;
        return kind != "mnt" || Link(Environment.ProcessId, kind, procRoot) == initial ? initial : null;
    }

    /// <summary>The link text of one namespace of a process ("user:[4026531837]"), or null when it cannot be read.</summary>
    public static string? Link(int pid, string kind, string procRoot = "/proc")
        => Native.FileSystem.TryReadLink(string.Create(CultureInfo.InvariantCulture, $"{procRoot}/{pid}/ns/{kind}"));

    /// <summary>The PID, user, cgroup and mount namespaces of a process where they are not the host's.</summary>
    public static NamespaceSet Read(int pid, string procRoot = "/proc")
    {
        string? Differs(string kind)
        {
            string? mine = Link(pid, kind, procRoot);
            string? host = HostLink(kind, procRoot);
            return mine is not null && host is not null && mine != host ? mine : null;
        }
        return new NamespaceSet(Differs("pid"), Differs("user"), Differs("cgroup"), Differs("mnt"));
    }

    /// <summary>
    /// Whether a process lives in the initial user namespace: its ns/user link equals the host's, or, when its link
    /// is not readable, its uid_map is the identity map of the initial namespace.
    /// </summary>
    public static bool InInitialUserNamespace(int pid, string procRoot = "/proc")
        => InUserNamespaceOf(pid, HostLink("user", procRoot), procRoot);

    /// <summary>As <see cref="InInitialUserNamespace"/>, with the host's link (<see cref="HostLink"/>) read once by the caller.</summary>
    public static bool InUserNamespaceOf(int pid, string? initialLink, string procRoot = "/proc")
    {
        string? mine = Link(pid, "user", procRoot);
        if (mine is not null && initialLink is not null) return mine == initialLink;
        try
        {
            return IsInitialUidMap(File.ReadAllText(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "uid_map")));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>The initial namespace maps all 2^32-1 ids onto themselves.</summary>
    public static bool IsInitialUidMap(string uidMap)
        => string.Join(' ', uidMap.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)) == "0 0 4294967295";
}
