using System.Runtime.InteropServices;

namespace PerfSecurity.Native;

/// <summary>
/// The ptrace requests that read another process's seccomp filters (ptrace(2), kernel/seccomp.c), and waitpid for
/// its stops. Every request after PTRACE_SEIZE must come from the same thread: ptrace binds tracees to a thread.
/// </summary>
public static partial class Ptrace
{
    private const long PTRACE_DETACH = 17;
    private const long PTRACE_SEIZE = 0x4206;
    private const long PTRACE_INTERRUPT = 0x4207;
    private const long PTRACE_SECCOMP_GET_FILTER = 0x420c;

    /// <summary>The event number in the high byte of a wait status for a PTRACE_INTERRUPT or group stop.</summary>
    public const int EventStop = 128;

    private const int WNOHANG = 1;
    private const int __WALL = 0x40000000;

    [LibraryImport("libc", EntryPoint = "ptrace", SetLastError = true)]
    private static partial long PtraceRaw(long request, int pid, nint addr, nint data);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static unsafe partial int WaitPidRaw(int pid, int* status, int options);

    [LibraryImport("libc", EntryPoint = "sigaction", SetLastError = true)]
    private static unsafe partial int SigactionRaw(int signal, byte* action, byte* old);

    private const int SIGCHLD = 17;
    private const int SA_NOCLDSTOP = 1;
    // glibc's struct sigaction on x86_64 and aarch64: handler (8), sa_mask (128), sa_flags (int, at 136), restorer; 152 bytes.
    private const int SigactionSize = 152, SigactionFlagsOffset = 136;

    /// <summary>
    /// Stops the kernel from sending SIGCHLD when a child of this process stops, until disposed. .NET answers SIGCHLD
    /// with waitpid(child, WNOHANG) for the children it started, and would take a ptrace stop of one of them for its
    /// exit; the tracer's own waitpid still sees the stop (do_notify_parent_cldstop wakes waiters either way).
    /// </summary>
    public static unsafe IDisposable QuietChildStops()
    {
        byte[] old = new byte[SigactionSize];
        fixed (byte* o = old)
        {
            if (SigactionRaw(SIGCHLD, null, o) != 0) throw new SystemCallException("sigaction", Errno.Last);
        }
        int flags = BitConverter.ToInt32(old, SigactionFlagsOffset);
        if ((flags & SA_NOCLDSTOP) != 0) return new Restore(null);
        byte[] quiet = (byte[])old.Clone();
        BitConverter.TryWriteBytes(quiet.AsSpan(SigactionFlagsOffset), flags | SA_NOCLDSTOP);
        fixed (byte* q = quiet)
        {
            if (SigactionRaw(SIGCHLD, q, null) != 0) throw new SystemCallException("sigaction", Errno.Last);
        }
        return new Restore(old);
    }

    private sealed class Restore(byte[]? old) : IDisposable
    {
        private byte[]? _old = old;

        public unsafe void Dispose()
        {
            if (Interlocked.Exchange(ref _old, null) is not { } action) return;
            fixed (byte* a = action) SigactionRaw(SIGCHLD, a, null);
        }
    }

    private static long Request(string name, long request, int pid, nint addr, nint data)
    {
        long r = PtraceRaw(request, pid, addr, data);
        if (r < 0) throw new SystemCallException(name, Errno.Last, pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return r;
    }

    /// <summary>Attaches without stopping the tracee (PTRACE_SEIZE, no options).</summary>
    public static void Seize(int pid) => Request("ptrace(PTRACE_SEIZE)", PTRACE_SEIZE, pid, 0, 0);

    /// <summary>Asks a seized tracee to stop (PTRACE_INTERRUPT); the stop is reported by <see cref="TryWait"/>.</summary>
    public static void Interrupt(int pid) => Request("ptrace(PTRACE_INTERRUPT)", PTRACE_INTERRUPT, pid, 0, 0);

    /// <summary>Detaches from a stopped tracee, delivering <paramref name="signal"/> when it stopped for one.</summary>
    public static void Detach(int pid, int signal) => Request("ptrace(PTRACE_DETACH)", PTRACE_DETACH, pid, 0, signal);

    /// <summary>
    /// The wait status of a tracee that changed state, without blocking (waitpid with WNOHANG | __WALL, so that
    /// threads are waited for too); null while it runs.
    /// </summary>
    public static unsafe int? TryWait(int pid)
    {
        while (true)
        {
            int status;
            int r = WaitPidRaw(pid, &status, WNOHANG | __WALL);
            if (r > 0) return status;
            if (r == 0) return null;
            if (Errno.Last != Errno.EINTR) throw new SystemCallException("waitpid", Errno.Last, pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public static bool Stopped(int status) => (status & 0xff) == 0x7f;
    public static int StopSignal(int status) => (status >> 8) & 0xff;
    public static int StopEvent(int status) => (status >> 16) & 0xff;

    /// <summary>
    /// Filter <paramref name="index"/> of a stopped tracee as raw struct sock_filter bytes. Index 0 is the filter
    /// installed first (kernel/seccomp.c, get_nth_filter); ENOENT past the last one.
    /// </summary>
    public static unsafe byte[] SeccompFilter(int pid, int index)
    {
        long count = Request("ptrace(PTRACE_SECCOMP_GET_FILTER)", PTRACE_SECCOMP_GET_FILTER, pid, index, 0);
        var buffer = new byte[count * 8];
        fixed (byte* p = buffer)
        {
            long again = Request("ptrace(PTRACE_SECCOMP_GET_FILTER)", PTRACE_SECCOMP_GET_FILTER, pid, index, (nint)p);
            if (again != count) throw new SystemCallException("ptrace(PTRACE_SECCOMP_GET_FILTER)", Errno.EAGAIN);
        }
        return buffer;
    }
}
