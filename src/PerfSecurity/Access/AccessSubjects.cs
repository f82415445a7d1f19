using System.Globalization;
using PerfSecurity.Capabilities;
using PerfSecurity.Counting;
using PerfSecurity.Errors;
using PerfSecurity.Namespaces;
using PerfSecurity.Native;
using PerfSecurity.Seccomp;
using PerfSecurity.Settings;
using PerfSecurity.Users;

namespace PerfSecurity.Access;

/// <summary>Reads the facts of an access decision from the running system.</summary>
public static class AccessSubjects
{
    /// <summary>The running kernel's paranoid level, flavour, version and kptr_restrict.</summary>
    public static KernelFacts CurrentKernel()
    {
        int level = Sysctl.ReadInt(Sysctl.ParanoidKey)
            ?? throw new PerfSecurityException("PerfAccessNoPerfEvents", FailureKind.NotImplemented,
                "This kernel has no /proc/sys/kernel/perf_event_paranoid: it was built without perf_events (CONFIG_PERF_EVENTS), so no access is possible.");
        KernelInfo kernel = KernelInfo.Current;
        // Without the file the kernel has no kallsyms addresses to restrict; 0 is its default.
        int kptr = Sysctl.ReadInt("kernel.kptr_restrict") ?? 0;
        int[] online = CounterTarget.OnlineCpus();
        return new KernelFacts(level, kernel.Flavor, kernel.Version, kptr, online.Length > 0 ? online.Max() : 0);
    }

    /// <summary>A running process as it is now; about to execute <paramref name="filePath"/> when one is given.</summary>
    public static SubjectFacts ForProcess(int pid, string? filePath = null)
    {
        SubjectFacts subject = ForProcessAlone(pid);
        if (filePath is null) return subject;
        var (gid, groups) = GroupsOfProcess(pid);
        return Executing(subject, filePath, gid, groups);
    }

    private static SubjectFacts ForProcessAlone(int pid)
    {
        if (pid <= 0)
            throw new PerfSecurityException("PerfAccessInvalidProcessId", FailureKind.InvalidArgument,
                $"{pid} is not a process id: give a positive number, or leave -ProcessId out for the current process.", pid);
        ProcessStatus status = ProcessCapabilities.Read(pid)
            ?? throw new PerfSecurityException("PerfAccessProcessNotFound", FailureKind.ObjectNotFound,
                $"There is no process {pid}, or its /proc entry is hidden from this user (hidepid).", pid);
        string user = UserNames.Of(status.EffectiveUid);
        NamespaceSet namespaces = ProcessNamespaces.Read(pid);
        // Seccomp mode 2: the filters themselves, read through ptrace (root only); they decide before any permission check.
        SeccompState? seccomp = status.Seccomp == 2 ? SeccompReader.Read(pid) ?? throw Exited(pid) : null;
        string where = namespaces.IsHost ? "" : $" in {namespaces}";
        return new SubjectFacts($"process {pid} ({status.Name}){where}", status.EffectiveUid,
            status.Effective, status.Permitted, status.Inheritable, status.Bounding, status.Ambient,
            ProcessNamespaces.InInitialUserNamespace(pid), status.NoNewPrivs, status.Seccomp, ProcessId: pid, UserName: user,
            SeccompState: seccomp, Namespaces: namespaces);
    }

    private static PerfSecurityException Exited(int pid)
        => new("PerfAccessProcessNotFound", FailureKind.ObjectNotFound, $"Process {pid} exited while its seccomp filters were being read.", pid);

    /// <summary>
    /// A fresh login of a user (no ambient or inheritable capabilities, PID 1's bounding set; root holds that set),
    /// about to execute <paramref name="filePath"/> when one is given, with the groups that login gets. The user is
    /// looked up once, through NSS.
    /// </summary>
    public static SubjectFacts ForUser(string userName, string? filePath = null)
    {
        if (string.IsNullOrWhiteSpace(userName))
            throw new PerfSecurityException("PerfAccessInvalidUserName", FailureKind.InvalidArgument, "The user name is empty.", userName);
        Accounts.UserEntry user = Accounts.UserByName(userName)
            ?? throw new PerfSecurityException("PerfAccessUserNotFound", FailureKind.ObjectNotFound,
                $"There is no user '{userName}' in the account databases (getpwnam found nothing).", userName);
        // Logins descend from PID 1 and keep its bounding set (a container or a restricted init lacks some).
        CapabilitySet bounding = ProcessCapabilities.Read(1)?.Bounding is { IsEmpty: false } b ? b : CapabilitySet.All;
        SubjectFacts subject = SubjectFacts.Login(user.Name, user.Uid, bounding);
        return filePath is null ? subject : Executing(subject, filePath, user.Gid, Accounts.GroupIdsOf(user.Name, user.Gid));
    }

    /// <summary>The subject about to execute <paramref name="path"/>: its capabilities, mode and mount are read here.</summary>
    public static SubjectFacts Executing(SubjectFacts subject, string path, uint gid, IReadOnlyCollection<uint> groups)
    {
        FileStatus status;
        try { status = FileSystem.Stat(path); }
        catch (SystemCallException e)
        {
            throw e.Errno == Errno.ENOENT
                ? PerfSecurityException.FromSystemCall("PerfAccessFileNotFound", e, $"The file '{path}' does not exist.", path)
                : PerfSecurityException.FromSystemCall("PerfAccessFileUnreadable", e, $"Cannot examine '{path}': {Errno.Describe(e.Errno)}.", path);
        }
        if (!status.IsRegularFile)
            throw new PerfSecurityException("PerfAccessFileNotRegular", FailureKind.InvalidArgument,
                $"'{path}' is not a regular file: give the binary the subject runs.", path);

        FileCapabilityData? caps;
        bool noSuid;
        try
        {
            caps = FileCapabilities.Read(path);
            using FileDescriptor fd = FileSystem.Open(path, FileSystem.O_PATH | FileSystem.O_CLOEXEC);
            noSuid = (FileSystem.MountFlags(fd, path) & FileSystem.ST_NOSUID) != 0;
        }
        catch (SystemCallException e)
        {
            throw PerfSecurityException.FromSystemCall("PerfAccessFileUnreadable", e, $"Cannot examine '{path}': {Errno.Describe(e.Errno)}.", path);
        }
        catch (PerfSecurityException e) when (e.ErrorId.StartsWith("PerfCapability", StringComparison.Ordinal))
        {
            throw new PerfSecurityException("PerfAccessFileUnreadable", e.Kind, e.Message, path, e);
        }

        var chain = new List<FileStatus> { status };
        chain.AddRange(Directories(path));
        bool executable = CanExecute(chain, subject.Uid, gid, groups);
        bool setuidRoot = (status.Mode & FileStatus.S_ISUID) != 0 && status.Uid == 0;
        return subject with
        {
            File = new ExecutedFile(path, caps, executable, noSuid, setuidRoot),
        };
    }

    /// <summary>
    /// Whether a uid with these groups may execute a file: search permission on every directory above it and an
    /// execute bit for its class (owner, group, other). Root needs one execute bit anywhere on the file.
    /// <paramref name="chain"/> is the file first, then its directories up to /.
    /// </summary>
    public static bool CanExecute(IReadOnlyList<FileStatus> chain, uint uid, uint gid, IReadOnlyCollection<uint> groups)
    {
        for (int i = 0; i < chain.Count; i++)
        {
            FileStatus s = chain[i];
            uint mode = s.Mode & FileStatus.PermissionBits;
            if (uid == 0)
            {
                // DAC override: directories always searchable; a file needs some execute bit.
                if (i == 0 && (mode & FileStatus.AnyExecute) == 0) return false;
                continue;
            }
            uint bit = s.Uid == uid ? FileStatus.S_IXUSR : (s.Gid == gid || groups.Contains(s.Gid)) ? FileStatus.S_IXGRP : FileStatus.S_IXOTH;
            if ((mode & bit) == 0) return false;
        }
        return true;
    }

    private static IEnumerable<FileStatus> Directories(string path)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        while (!string.IsNullOrEmpty(dir))
        {
            yield return FileSystem.Stat(dir);
            dir = Path.GetDirectoryName(dir);
        }
    }

    /// <summary>The gid and supplementary groups of a process (Gid: and Groups: of its status).</summary>
    public static (uint Gid, uint[] Groups) GroupsOfProcess(int pid)
    {
        uint gid = 0;
        var groups = new List<uint>();
        foreach (string line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
        {
            if (line.StartsWith("Gid:", StringComparison.Ordinal))
            {
                string[] f = line[4..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (f.Length > 1) uint.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out gid);
            }
            else if (line.StartsWith("Groups:", StringComparison.Ordinal))
            {
                foreach (string g in line[7..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
                    if (uint.TryParse(g, NumberStyles.None, CultureInfo.InvariantCulture, out uint id)) groups.Add(id);
            }
        }
        return (gid, groups.ToArray());
    }
}
