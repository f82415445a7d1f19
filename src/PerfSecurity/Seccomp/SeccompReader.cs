using System.Globalization;
using PerfSecurity.Capabilities;
using PerfSecurity.Native;

namespace PerfSecurity.Seccomp;

/// <summary>
/// Reads a process's seccomp filters as the kernel offers them: PTRACE_SEIZE, PTRACE_INTERRUPT, wait for the stop,
/// PTRACE_SECCOMP_GET_FILTER for index 0, 1, … until ENOENT, PTRACE_DETACH (re-delivering a signal the stop caught).
/// The kernel allows this to a reader with CAP_SYS_ADMIN that is not itself under seccomp.
/// </summary>
public static class SeccompReader
{
    /// <summary>How long a process may take to stop before the attempt is given up.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The state of <paramref name="pid"/>, or null when it exited while being read.</summary>
    public static SeccompState? Read(int pid)
    {
        Dictionary<string, string>? status = Status(pid, null);
        if (status is null) return null;
        int mode = Int(status, "Seccomp");
        if (mode != 2) return SeccompState.None(mode);

        int tid = pid;
        if (status.GetValueOrDefault("State", "").StartsWith('Z'))
        {
            // The leader exited while other threads live on: their filters are what counts.
            tid = Threads(pid).FirstOrDefault(t => t != pid && Status(pid, t) is { } s && !s.GetValueOrDefault("State", "").StartsWith('Z'));
            if (tid == 0) return null;
            status = Status(pid, tid) ?? status;
        }
        var notes = ThreadNotes(pid, tid, status);
        int tracer = Int(status, "TracerPid");
        SyscallAbi? abi = AbiOf(pid);
        var context = new SeccompContext(tracer, false);
        SeccompState Unreadable(string why) => new(2, null, why, abi, context, tid, notes);

        if (abi is null)
            return Unreadable("it is a 32-bit program, whose system calls have other numbers (compat ABI) that this module does not evaluate");
        if (pid == Environment.ProcessId)
            return Unreadable("a process cannot trace itself: run Get-PerfAccess -ProcessId from another process");
        ProcessStatus? self = ProcessCapabilities.Read(Environment.ProcessId);
        if (self is null || !self.Effective.Contains(CapabilityTable.SysAdmin))
            return Unreadable("only a reader with CAP_SYS_ADMIN may read seccomp filters (PTRACE_SECCOMP_GET_FILTER): run Get-PerfAccess as root");
        if (self.Seccomp != 0)
            return Unreadable("this PowerShell process runs under seccomp itself, and the kernel then refuses PTRACE_SECCOMP_GET_FILTER");
        if (tracer != 0)
            return Unreadable(string.Create(CultureInfo.InvariantCulture, $"it is traced by process {tracer}, and ptrace allows one tracer"));

        Attempt attempt;
        // A child of this process: keep .NET from mistaking its ptrace stop for its exit (see Ptrace.QuietChildStops).
        using (Int(status, "PPid") == Environment.ProcessId ? Ptrace.QuietChildStops() : null)
            attempt = ReadOnOwnThread(tid);
        if (attempt.Exited) return null;
        if (attempt.Failure is not null) return Unreadable(attempt.Failure);

        var filters = new List<SeccompFilterProgram>();
        for (int i = 0; i < attempt.Filters.Count; i++)
        {
            try
            {
                BpfInstruction[] program = BpfInstruction.Decode(attempt.Filters[i]);
                Bpf.Validate(program);
                filters.Add(new SeccompFilterProgram(i, program));
            }
            catch (InvalidDataException e)
            {
                return Unreadable(string.Create(CultureInfo.InvariantCulture, $"its filter {i} could not be decoded: {e.Message}"));
            }
        }
        bool mayNotify = filters.Any(f => f.Instructions.Any(i => i.Code == Bpf.RetA
            || i.Code == Bpf.RetK && new SeccompReturn(i.K).Action == SeccompAction.UserNotif));
        return new SeccompState(2, filters, null, abi, context with { NotifyListeners = mayNotify && AnyNotifyListener() }, tid, notes);
    }

    private sealed class Attempt
    {
        public List<byte[]> Filters { get; } = new();
        public string? Failure;
        public bool Exited;
    }

    // ptrace binds a tracee to the thread that attached: a thread of our own ends the relationship when it ends,
    // even if the process never stopped (the kernel detaches tracees of an exiting tracer).
    private static Attempt ReadOnOwnThread(int tid)
    {
        var attempt = new Attempt();
        var thread = new Thread(() => ReadStopped(tid, attempt)) { IsBackground = true, Name = "seccomp filter reader" };
        thread.Start();
        thread.Join();
        return attempt;
    }

    private static void ReadStopped(int tid, Attempt attempt)
    {
        try { Ptrace.Seize(tid); }
        catch (SystemCallException e) when (e.Errno == Errno.ESRCH) { attempt.Exited = true; return; }
        catch (SystemCallException e) { attempt.Failure = SeizeFailure(e.Errno, tid); return; }

        int status;
        try
        {
            Ptrace.Interrupt(tid);
            DateTime deadline = DateTime.UtcNow + StopTimeout;
            int? waited;
            // The stop's status normally comes from waitpid; /proc's state t covers a status someone else collected.
            while ((waited = Ptrace.TryWait(tid) ?? (InTraceStop(tid) ? Ptrace.TryWait(tid) ?? EventStopStatus : null)) is null)
            {
                if (DateTime.UtcNow > deadline)
                {
                    attempt.Failure = string.Create(CultureInfo.InvariantCulture,
                        $"it did not stop for ptrace within {StopTimeout.TotalSeconds:0} s (frozen, or in uninterruptible sleep)");
                    return;
                }
                Thread.Sleep(1);
            }
            status = waited.Value;
        }
        catch (SystemCallException e) when (e.Errno == Errno.ESRCH) { attempt.Exited = true; return; }
        if (!Ptrace.Stopped(status)) { attempt.Exited = true; return; }

        // A signal-delivery stop swallowed the signal: detaching with it delivers it again. Event stops carry none.
        int signal = Ptrace.StopEvent(status) == 0 ? Ptrace.StopSignal(status) : 0;
        try
        {
            for (int i = 0; ; i++)
            {
                try { attempt.Filters.Add(Ptrace.SeccompFilter(tid, i)); }
                catch (SystemCallException e) when (e.Errno == Errno.ENOENT) { break; }
            }
        }
        catch (SystemCallException e) { attempt.Failure = GetFilterFailure(e.Errno); }
        finally
        {
            try { Ptrace.Detach(tid, signal); }
            catch (SystemCallException) { /* it died meanwhile, which ends the tracing too */ }
        }
    }

    // The wait status of a PTRACE_EVENT_STOP, for a stop seen in /proc when someone else collected the wait status.
    private const int EventStopStatus = Ptrace.EventStop << 16 | 0x7f;

    /// <summary>Whether /proc shows the thread in a ptrace stop (state t): ptrace requests work from then on.</summary>
    private static bool InTraceStop(int tid)
    {
        try
        {
            string stat = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{tid}/stat"));
            int close = stat.LastIndexOf(')');
            return close > 0 && close + 2 < stat.Length && stat[close + 2] == 't';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    private static string SeizeFailure(int errno, int tid)
    {
        if (errno == Errno.EPERM)
        {
            if (Status(tid, null) is { } s && Int(s, "TracerPid") is int t and not 0)
                return string.Create(CultureInfo.InvariantCulture, $"it is traced by process {t}, and ptrace allows one tracer");
            if (ReadInt("/proc/sys/kernel/yama/ptrace_scope") == 3)
                return "kernel.yama.ptrace_scope is 3, which forbids every ptrace attach";
        }
        return $"ptrace refused to attach to it ({Errno.Name(errno)}: {Errno.Describe(errno)})";
    }

    private static string GetFilterFailure(int errno) => errno switch
    {
        Errno.EACCES => "the kernel refused PTRACE_SECCOMP_GET_FILTER (EACCES: it needs CAP_SYS_ADMIN and a reader not under seccomp)",
        Errno.EMEDIUMTYPE => "one of its filters is not a classic BPF program",
        Errno.EIO => "this kernel cannot export seccomp filters (PTRACE_SECCOMP_GET_FILTER needs CONFIG_CHECKPOINT_RESTORE)",
        _ => $"PTRACE_SECCOMP_GET_FILTER failed ({Errno.Name(errno)}: {Errno.Describe(errno)})",
    };

    /// <summary>
    /// Whether any process holds a seccomp notification descriptor (anon_inode:seccomp notify). Without one, a
    /// USER_NOTIF return fails the call with ENOSYS; with one, its holder may be the supervisor that decides.
    /// </summary>
    public static bool AnyNotifyListener()
    {
        foreach (int pid in ProcessCapabilities.ProcessIds())
        {
            string dir = string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/fd");
            try
            {
                foreach (string fd in Directory.EnumerateFileSystemEntries(dir))
                {
                    string? target = null;
                    try { target = new FileInfo(fd).LinkTarget; }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
                    if (target == "anon_inode:seccomp notify") return true;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return false;
    }

    private static List<string> ThreadNotes(int pid, int tid, Dictionary<string, string> status)
    {
        var notes = new List<string>();
        string filters = status.GetValueOrDefault("Seccomp_filters", "?");
        foreach (int other in Threads(pid))
        {
            if (other == tid || Status(pid, other) is not { } s) continue;
            if (s.GetValueOrDefault("Seccomp") != status.GetValueOrDefault("Seccomp") || s.GetValueOrDefault("Seccomp_filters", "?") != filters)
                notes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"Thread {other} has seccomp mode {s.GetValueOrDefault("Seccomp", "?")} with {s.GetValueOrDefault("Seccomp_filters", "?")} filters, where thread {tid} has {filters}: filters are per thread, and this prediction is for thread {tid}."));
        }
        return notes;
    }

    private static SyscallAbi? AbiOf(int pid)
    {
        try
        {
            using var stream = new FileStream(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/exe"), FileMode.Open, FileAccess.Read);
            Span<byte> header = stackalloc byte[20];
            int n = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            bool elf = n == header.Length && header[0] == 0x7f && header[1] == (byte)'E' && header[2] == (byte)'L' && header[3] == (byte)'F';
            return elf ? SyscallAbi.FromElfHeader(header) : SyscallAbi.Native;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No readable executable (kernel thread, deleted file, no access): the machine's own ABI.
            return SyscallAbi.Native;
        }
    }

    private static IEnumerable<int> Threads(int pid)
    {
        string dir = string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/task");
        try { return ProcessCapabilities.ProcessIds(dir).ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return Array.Empty<int>(); }
    }

    private static Dictionary<string, string>? Status(int pid, int? tid)
    {
        string path = tid is int t
            ? string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/task/{t}/status")
            : string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/status");
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n'))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0) fields[line[..colon]] = line[(colon + 1)..].Trim();
        }
        return fields;
    }

    private static int Int(Dictionary<string, string> status, string key)
        => int.TryParse(status.GetValueOrDefault(key), NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : 0;

    private static int? ReadInt(string path)
    {
        try { return int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) ? v : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
