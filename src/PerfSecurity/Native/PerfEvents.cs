using System.Runtime.InteropServices;

namespace PerfSecurity.Native;

/// <summary>perf_event_open(2), its ioctls and read(2) of counters.</summary>
public static partial class PerfEvents
{
    public const uint TypeHardware = 0, TypeSoftware = 1, TypeTracepoint = 2, TypeHwCache = 3, TypeRaw = 4, TypeBreakpoint = 5;

    public const ulong FlagDisabled = 1UL << 0;
    public const ulong FlagInherit = 1UL << 1;
    public const ulong FlagPinned = 1UL << 2;
    public const ulong FlagExclusive = 1UL << 3;
    public const ulong FlagExcludeUser = 1UL << 4;
    public const ulong FlagExcludeKernel = 1UL << 5;
    public const ulong FlagExcludeHv = 1UL << 6;
    public const ulong FlagExcludeIdle = 1UL << 7;
    public const ulong FlagEnableOnExec = 1UL << 12;
    public const ulong FlagExcludeHost = 1UL << 19;
    public const ulong FlagExcludeGuest = 1UL << 20;

    public const ulong FormatTotalTimeEnabled = 1;
    public const ulong FormatTotalTimeRunning = 2;
    public const ulong FormatId = 4;
    public const ulong FormatGroup = 8;
    public const ulong FormatLost = 16;

    /// <summary>PERF_FLAG_PID_CGROUP: the pid argument is a descriptor of a cgroup directory (counting is per CPU).</summary>
    public const ulong OpenFlagPidCgroup = 4;
    public const ulong OpenFlagFdCloexec = 8;

    // '$' ioctls; the same numbers on x86_64 and aarch64 (PowerPC differs and is not supported).
    public const ulong IocEnable = 0x2400;
    public const ulong IocDisable = 0x2401;
    public const ulong IocId = 0x80082407;

    /// <summary>
    /// The largest read a group may need: the kernel refuses (E2BIG) a member that would make the group's read
    /// larger than 16 KiB (perf_event_validate_size).
    /// </summary>
    public const int MaxGroupReadSize = 16 * 1024;

    /// <summary>__NR_perf_event_open: there is no libc wrapper.</summary>
    public static long SyscallNumber => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 298,
        Architecture.Arm64 => 241,
        var a => throw new PlatformNotSupportedException($"perf_event_open is not wired up for {a}."),
    };

    // syscall(2) is variadic: every argument travels as a register word, the kernel takes the low 32 bits of the ints.
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static unsafe partial long OpenAloneRaw(long number, PerfEventAttr* attr, int pid, int cpu, int noGroup, ulong flags);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static unsafe partial long OpenInGroupRaw(long number, PerfEventAttr* attr, int pid, int cpu, FileDescriptor group, ulong flags);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static unsafe partial long OpenCgroupRaw(long number, PerfEventAttr* attr, FileDescriptor cgroup, int cpu, int noGroup, ulong flags);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static unsafe partial long OpenCgroupInGroupRaw(long number, PerfEventAttr* attr, FileDescriptor cgroup, int cpu, FileDescriptor group, ulong flags);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlRaw(FileDescriptor fd, ulong request, ulong arg);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static unsafe partial int IoctlPtr(FileDescriptor fd, ulong request, ulong* arg);

    /// <summary>
    /// Opens a counter on a thread (pid &gt; 0, or 0 for the caller) or a CPU (pid -1), alone or as a member of
    /// <paramref name="group"/>'s group. The attr is passed by reference because on E2BIG the kernel writes its own
    /// size into it. Close-on-exec always, so counters never leak into the commands we start.
    /// </summary>
    public static unsafe FileDescriptor Open(ref PerfEventAttr attr, int pid, int cpu, FileDescriptor? group = null)
    {
        if (attr.AttrSize == 0) attr.AttrSize = PerfEventAttr.Size;
        long fd;
        fixed (PerfEventAttr* p = &attr)
        {
            do
            {
                fd = group is null
                    ? OpenAloneRaw(SyscallNumber, p, pid, cpu, -1, OpenFlagFdCloexec)
                    : OpenInGroupRaw(SyscallNumber, p, pid, cpu, group, OpenFlagFdCloexec);
            }
            while (fd < 0 && Errno.Last == Errno.EINTR);
        }
        if (fd < 0) throw new SystemCallException("perf_event_open", Errno.Last);
        return new FileDescriptor((int)fd);
    }

    /// <summary>Opens a counter of the tasks of one cgroup on one CPU (PERF_FLAG_PID_CGROUP, as perf stat -G).</summary>
    public static unsafe FileDescriptor OpenOnCgroup(ref PerfEventAttr attr, FileDescriptor cgroup, int cpu, FileDescriptor? group = null)
    {
        if (attr.AttrSize == 0) attr.AttrSize = PerfEventAttr.Size;
        long fd;
        const ulong Flags = OpenFlagFdCloexec | OpenFlagPidCgroup;
        fixed (PerfEventAttr* p = &attr)
        {
            do
            {
                fd = group is null
                    ? OpenCgroupRaw(SyscallNumber, p, cgroup, cpu, -1, Flags)
                    : OpenCgroupInGroupRaw(SyscallNumber, p, cgroup, cpu, group, Flags);
            }
            while (fd < 0 && Errno.Last == Errno.EINTR);
        }
        if (fd < 0) throw new SystemCallException("perf_event_open", Errno.Last);
        return new FileDescriptor((int)fd);
    }

    public static void Ioctl(FileDescriptor fd, ulong request, ulong arg = 0)
    {
        if (IoctlRaw(fd, request, arg) != 0) throw new SystemCallException("ioctl", Errno.Last);
    }

    /// <summary>Enables a counter; on a group leader, its group (members opened enabled follow their leader).</summary>
    public static void Enable(FileDescriptor fd) => Ioctl(fd, IocEnable);

    /// <summary>Disables a counter; on a group leader, the whole group stops.</summary>
    public static void Disable(FileDescriptor fd) => Ioctl(fd, IocDisable);

    /// <summary>The kernel's id of a counter (PERF_EVENT_IOC_ID, 3.12+): what PERF_FORMAT_ID reports for it.</summary>
    public static unsafe ulong GetId(FileDescriptor fd)
    {
        ulong id;
        if (IoctlPtr(fd, IocId, &id) != 0) throw new SystemCallException("ioctl", Errno.Last);
        return id;
    }

    /// <summary>
    /// Reads a counter or a group with one read(2) (pread gives ESPIPE) into <paramref name="buffer"/>. Returns the
    /// byte count; 0 means a pinned group could not be scheduled (not counted). A buffer too small for the group
    /// fails with ENOSPC: size it with <see cref="ReadSize"/>.
    /// </summary>
    public static int Read(FileDescriptor fd, Span<byte> buffer) => FileSystem.Read(fd, buffer);

    /// <summary>Bytes one read returns: single 8×(1+E+R+I+L); group 8×(1+E+R) + n×8×(1+I+L).</summary>
    public static int ReadSize(ulong readFormat, int members = 1)
    {
        int e = (readFormat & FormatTotalTimeEnabled) != 0 ? 1 : 0;
        int r = (readFormat & FormatTotalTimeRunning) != 0 ? 1 : 0;
        int i = (readFormat & FormatId) != 0 ? 1 : 0;
        int l = (readFormat & FormatLost) != 0 ? 1 : 0;
        return (readFormat & FormatGroup) != 0 ? 8 * (1 + e + r) + members * 8 * (1 + i + l) : 8 * (1 + e + r + i + l);
    }

    /// <summary>The most events one group can hold with <paramref name="readFormat"/> before its read exceeds <see cref="MaxGroupReadSize"/>.</summary>
    public static int MaxGroupMembers(ulong readFormat)
        => (MaxGroupReadSize - ReadSize(readFormat | FormatGroup, 0)) / (ReadSize(readFormat | FormatGroup, 1) - ReadSize(readFormat | FormatGroup, 0));
}
