using System.Globalization;
using System.Runtime.InteropServices;

namespace PerfSecurity.Native;

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
    private static partial int FileActionsAddDup2(IntPtr actions, FileDescriptor fd, int newFd);

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
                    rc = FileActionsAddDup2(actions, fd, target);
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
