using System.Globalization;
using System.Runtime.InteropServices;

namespace PerfSecurity.Native;

/// <summary>struct perf_event_attr, size version 8 (136 bytes, config3). Identical on x86_64 and aarch64.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct PerfEventAttr
{
    public const int Size = 136;

    [FieldOffset(0)] public uint Type;
    [FieldOffset(4)] public uint AttrSize;
    [FieldOffset(8)] public ulong Config;
    [FieldOffset(16)] public ulong SamplePeriod;
    [FieldOffset(24)] public ulong SampleType;
    [FieldOffset(32)] public ulong ReadFormat;
    [FieldOffset(40)] public ulong Flags;
    [FieldOffset(48)] public uint WakeupEvents;
    [FieldOffset(52)] public uint BpType;
    [FieldOffset(56)] public ulong Config1;
    [FieldOffset(64)] public ulong Config2;
    [FieldOffset(72)] public ulong BranchSampleType;
    [FieldOffset(80)] public ulong SampleRegsUser;
    [FieldOffset(88)] public uint SampleStackUser;
    [FieldOffset(92)] public int ClockId;
    [FieldOffset(96)] public ulong SampleRegsIntr;
    [FieldOffset(104)] public uint AuxWatermark;
    [FieldOffset(108)] public ushort SampleMaxStack;
    [FieldOffset(110)] public ushort Reserved2;
    [FieldOffset(112)] public uint AuxSampleSize;
    [FieldOffset(116)] public uint Reserved3;
    [FieldOffset(120)] public ulong SigData;
    [FieldOffset(128)] public ulong Config3;

    public bool Disabled { readonly get => Get(PerfEvents.FlagDisabled); set => Set(PerfEvents.FlagDisabled, value); }
    public bool Inherit { readonly get => Get(PerfEvents.FlagInherit); set => Set(PerfEvents.FlagInherit, value); }
    public bool ExcludeUser { readonly get => Get(PerfEvents.FlagExcludeUser); set => Set(PerfEvents.FlagExcludeUser, value); }
    public bool ExcludeKernel { readonly get => Get(PerfEvents.FlagExcludeKernel); set => Set(PerfEvents.FlagExcludeKernel, value); }
    public bool ExcludeHv { readonly get => Get(PerfEvents.FlagExcludeHv); set => Set(PerfEvents.FlagExcludeHv, value); }
    public bool ExcludeIdle { readonly get => Get(PerfEvents.FlagExcludeIdle); set => Set(PerfEvents.FlagExcludeIdle, value); }
    public bool ExcludeHost { readonly get => Get(PerfEvents.FlagExcludeHost); set => Set(PerfEvents.FlagExcludeHost, value); }
    public bool ExcludeGuest { readonly get => Get(PerfEvents.FlagExcludeGuest); set => Set(PerfEvents.FlagExcludeGuest, value); }
    public bool Pinned { readonly get => Get(PerfEvents.FlagPinned); set => Set(PerfEvents.FlagPinned, value); }
    public bool Exclusive { readonly get => Get(PerfEvents.FlagExclusive); set => Set(PerfEvents.FlagExclusive, value); }

    /// <summary>The two precise_ip bits (15-16): 0 arbitrary skid … 3 zero skid.</summary>
    public int PreciseIp
    {
        readonly get => (int)(Flags >> 15 & 3);
        set => Flags = (Flags & ~(3UL << 15)) | ((ulong)(value & 3) << 15);
    }
    public bool EnableOnExec { readonly get => Get(PerfEvents.FlagEnableOnExec); set => Set(PerfEvents.FlagEnableOnExec, value); }

    private readonly bool Get(ulong bit) => (Flags & bit) != 0;
    private void Set(ulong bit, bool on) => Flags = on ? Flags | bit : Flags & ~bit;
}

/// <summary>One value of a counter as returned by read(2).</summary>
public readonly record struct PerfReadValue(ulong Value, ulong? Id, ulong? Lost);

/// <summary>A decoded read(2) of a counter or a group: one snapshot, leader first.</summary>
public sealed record PerfReadResult(ulong? TimeEnabled, ulong? TimeRunning, IReadOnlyList<PerfReadValue> Values);

/// <summary>perf_event_open(2), its ioctls and the read(2) formats.</summary>
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

    public const ulong OpenFlagFdCloexec = 8;

    // '$' ioctls; the same numbers on x86_64 and aarch64 (PowerPC differs and is not supported).
    public const ulong IocEnable = 0x2400;
    public const ulong IocDisable = 0x2401;
    public const ulong IocReset = 0x2403;
    public const ulong IocId = 0x80082407;
    public const ulong IocFlagGroup = 1;

    /// <summary>__NR_perf_event_open: there is no libc wrapper.</summary>
    public static long SyscallNumber => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 298,
        Architecture.Arm64 => 241,
        var a => throw new PlatformNotSupportedException($"perf_event_open is not wired up for {a}."),
    };

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static unsafe partial long SyscallRaw(long number, PerfEventAttr* attr, int pid, int cpu, int groupFd, ulong flags);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlRaw(int fd, ulong request, ulong arg);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static unsafe partial int IoctlPtr(int fd, ulong request, ulong* arg);

    /// <summary>
    /// Opens a counter. The attr is passed by reference because on E2BIG the kernel writes its own size into it.
    /// Close-on-exec always, so counters never leak into the commands we start.
    /// </summary>
    public static unsafe FileDescriptor Open(ref PerfEventAttr attr, int pid, int cpu, int groupFd = -1)
    {
        if (attr.AttrSize == 0) attr.AttrSize = PerfEventAttr.Size;
        long fd;
        fixed (PerfEventAttr* p = &attr)
        {
            do { fd = SyscallRaw(SyscallNumber, p, pid, cpu, groupFd, OpenFlagFdCloexec); }
            while (fd < 0 && Errno.Last == Errno.EINTR);
        }
        if (fd < 0) throw new SystemCallException("perf_event_open", Errno.Last);
        return new FileDescriptor((int)fd);
    }

    public static void Ioctl(FileDescriptor fd, ulong request, ulong arg = 0)
    {
        if (IoctlRaw(fd.Value, request, arg) != 0) throw new SystemCallException("ioctl", Errno.Last);
    }

    public static void Enable(FileDescriptor fd) => Ioctl(fd, IocEnable);
    public static void Disable(FileDescriptor fd) => Ioctl(fd, IocDisable);
    public static void Reset(FileDescriptor fd) => Ioctl(fd, IocReset);

    /// <summary>The kernel's id of a counter (PERF_EVENT_IOC_ID, 3.12+).</summary>
    public static unsafe ulong GetId(FileDescriptor fd)
    {
        ulong id;
        if (IoctlPtr(fd.Value, IocId, &id) != 0) throw new SystemCallException("ioctl", Errno.Last);
        return id;
    }

    /// <summary>
    /// Reads a counter with plain read(2) (pread gives ESPIPE). A group's size cannot be queried, so the
    /// buffer grows while the kernel answers ENOSPC. Returns the byte count; 0 means the counter could not
    /// be scheduled (not counted).
    /// </summary>
    public static int Read(FileDescriptor fd, ref byte[] buffer)
    {
        while (true)
        {
            try
            {
                return FileSystem.Read(fd, buffer);
            }
            catch (SystemCallException e) when (e.Errno == Errno.ENOSPC && buffer.Length < 1 << 20)
            {
                buffer = new byte[buffer.Length * 2];
            }
        }
    }

    /// <summary>Bytes one read returns: single 8×(1+E+R+I+L); group 8×(1+E+R) + n×8×(1+I+L).</summary>
    public static int ReadSize(ulong readFormat, int members = 1)
    {
        int e = (readFormat & FormatTotalTimeEnabled) != 0 ? 1 : 0;
        int r = (readFormat & FormatTotalTimeRunning) != 0 ? 1 : 0;
        int i = (readFormat & FormatId) != 0 ? 1 : 0;
        int l = (readFormat & FormatLost) != 0 ? 1 : 0;
        return (readFormat & FormatGroup) != 0 ? 8 * (1 + e + r) + members * 8 * (1 + i + l) : 8 * (1 + e + r + i + l);
    }

    /// <summary>Decodes what read(2) returned for the given read_format.</summary>
    public static PerfReadResult Decode(ReadOnlySpan<byte> data, ulong readFormat)
    {
        bool hasE = (readFormat & FormatTotalTimeEnabled) != 0, hasR = (readFormat & FormatTotalTimeRunning) != 0;
        bool hasI = (readFormat & FormatId) != 0, hasL = (readFormat & FormatLost) != 0;
        if (data.Length % 8 != 0) throw new InvalidDataException($"A counter read of {data.Length} bytes is not a whole number of u64 values.");
        int pos = 0;
        ulong Next(ReadOnlySpan<byte> d)
        {
            if (pos + 8 > d.Length) throw new InvalidDataException($"A counter read of {d.Length} bytes is too short for read_format 0x{readFormat:x}.");
            ulong v = BitConverter.ToUInt64(d.Slice(pos, 8));
            pos += 8;
            return v;
        }
        var values = new List<PerfReadValue>();
        ulong? enabled = null, running = null;
        if ((readFormat & FormatGroup) != 0)
        {
            ulong nr = Next(data);
            if (hasE) enabled = Next(data);
            if (hasR) running = Next(data);
            if ((ulong)ReadSize(readFormat, 0) + nr * (ulong)(8 * (1 + (hasI ? 1 : 0) + (hasL ? 1 : 0))) != (ulong)data.Length)
                throw new InvalidDataException($"A group read of {data.Length} bytes does not hold {nr} members for read_format 0x{readFormat:x}.");
            for (ulong k = 0; k < nr; k++)
            {
                ulong value = Next(data);
                ulong? id = hasI ? Next(data) : null;
                ulong? lost = hasL ? Next(data) : null;
                values.Add(new PerfReadValue(value, id, lost));
            }
        }
        else
        {
            if (data.Length != ReadSize(readFormat))
                throw new InvalidDataException($"A counter read of {data.Length} bytes does not match read_format 0x{readFormat:x} ({ReadSize(readFormat)} bytes).");
            ulong value = Next(data);
            if (hasE) enabled = Next(data);
            if (hasR) running = Next(data);
            ulong? id = hasI ? Next(data) : null;
            ulong? lost = hasL ? Next(data) : null;
            values.Add(new PerfReadValue(value, id, lost));
        }
        return new PerfReadResult(enabled, running, values);
    }
}

/// <summary>Process launching, waiting and resource limits for measured commands.</summary>
public static partial class Processes
{
    public const int RLIMIT_NOFILE = 7; // same on x86_64 and the generic (aarch64) table
    public const int SIGKILL = 9, SIGTERM = 15;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit { public ulong Current; public ulong Maximum; }

    [StructLayout(LayoutKind.Sequential)]
    public struct TimeVal { public long Seconds; public long Microseconds; public readonly TimeSpan ToTimeSpan() => TimeSpan.FromTicks(Seconds * TimeSpan.TicksPerSecond + Microseconds * 10); }

    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct RUsage
    {
        public TimeVal UserTime;
        public TimeVal SystemTime;
        private fixed long _rest[14];
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static unsafe partial int GetRLimitRaw(int resource, RLimit* limit);

    [LibraryImport("libc", EntryPoint = "mkfifo", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MkFifoRaw(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "posix_spawn", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int PosixSpawnRaw(int* pid, string path, IntPtr fileActions, IntPtr attr, IntPtr* argv, IntPtr* envp);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")]
    private static partial int FileActionsInit(IntPtr actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")]
    private static partial int FileActionsAddDup2(IntPtr actions, int fd, int newFd);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")]
    private static partial int FileActionsDestroy(IntPtr actions);

    // sizeof(posix_spawn_file_actions_t) is 80 with glibc on 64-bit; room to spare.
    private const int FileActionsSize = 256;

    [LibraryImport("libc", EntryPoint = "wait4", SetLastError = true)]
    private static unsafe partial int Wait4Raw(int pid, int* status, int options, RUsage* usage);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillRaw(int pid, int signal);

    public static unsafe (ulong Soft, ulong Hard) GetFileLimit()
    {
        RLimit l;
        if (GetRLimitRaw(RLIMIT_NOFILE, &l) != 0) throw new SystemCallException("getrlimit", Errno.Last);
        return (l.Current, l.Maximum);
    }

    public static void MakeFifo(string path, uint mode)
    {
        if (MkFifoRaw(path, mode) != 0) throw new SystemCallException("mkfifo", Errno.Last, path);
    }

    /// <summary>
    /// posix_spawn (vfork+exec in glibc: safe from a multi-threaded runtime); returns the child pid.
    /// <paramref name="redirects"/> become the child's descriptors (such as a file as 1 for standard output).
    /// </summary>
    public static unsafe int Spawn(string path, IReadOnlyList<string> argv, IReadOnlyList<string> environment,
        IReadOnlyList<(FileDescriptor Fd, int Target)>? redirects = null)
    {
        var strings = new List<IntPtr>();
        IntPtr actions = IntPtr.Zero;
        try
        {
            if (redirects is { Count: > 0 })
            {
                actions = (IntPtr)NativeMemory.AllocZeroed(FileActionsSize);
                int rc = FileActionsInit(actions);
                if (rc != 0) { NativeMemory.Free((void*)actions); actions = IntPtr.Zero; throw new SystemCallException("posix_spawn_file_actions_init", rc, path); }
                foreach (var (fd, target) in redirects)
                {
                    rc = FileActionsAddDup2(actions, fd.Value, target);
                    if (rc != 0) throw new SystemCallException("posix_spawn_file_actions_adddup2", rc, path);
                }
            }
            IntPtr[] args = new IntPtr[argv.Count + 1];
            IntPtr[] env = new IntPtr[environment.Count + 1];
            for (int i = 0; i < argv.Count; i++) { args[i] = Marshal.StringToCoTaskMemUTF8(argv[i]); strings.Add(args[i]); }
            for (int i = 0; i < environment.Count; i++) { env[i] = Marshal.StringToCoTaskMemUTF8(environment[i]); strings.Add(env[i]); }
            int pid;
            fixed (IntPtr* a = args)
            fixed (IntPtr* e = env)
            {
                int rc = PosixSpawnRaw(&pid, path, actions, IntPtr.Zero, a, e);
                if (rc != 0) throw new SystemCallException("posix_spawn", rc, path);
            }
            return pid;
        }
        finally
        {
            foreach (IntPtr s in strings) Marshal.FreeCoTaskMem(s);
            if (actions != IntPtr.Zero)
            {
                _ = FileActionsDestroy(actions); // fails only for an object that was never initialised
                NativeMemory.Free((void*)actions);
            }
        }
    }

    /// <summary>Waits for a child to end; returns its wait status and resource usage.</summary>
    public static unsafe (int Status, RUsage Usage) Wait(int pid)
    {
        int status;
        RUsage usage;
        while (Wait4Raw(pid, &status, 0, &usage) < 0)
        {
            int e = Errno.Last;
            if (e != Errno.EINTR) throw new SystemCallException("wait4", e, pid.ToString(CultureInfo.InvariantCulture));
        }
        return (status, usage);
    }

    /// <summary>The exit code a shell would report: the exit status, or 128 + the signal that ended it.</summary>
    public static int ExitCodeOf(int status) => (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);

    public static bool Kill(int pid, int signal) => KillRaw(pid, signal) == 0;
}
