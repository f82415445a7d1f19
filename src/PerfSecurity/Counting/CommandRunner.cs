using System.Buffers;
using System.Collections;
using System.Diagnostics;
using System.Text;
using PerfSecurity.Errors;
using PerfSecurity.IO;
using PerfSecurity.Native;

namespace PerfSecurity.Counting;

/// <summary>
/// Runs a command the way perf stat does: a corked shell waits on a FIFO, counters are opened on it with
/// enable_on_exec and inherit, then the cork is released and the shell execs the command. Counting starts at
/// that exec (the shell's own work is not counted) and includes the command's children. With a cgroup the counters
/// are the cgroup's on every CPU (perf stat -a -G), enabled just before the release and disabled when the command ends.
/// </summary>
public static class CommandRunner
{
    private static readonly SearchValues<char> Blanks = SearchValues.Create(" \t");

    // $0 = FIFO, $1 = working directory, then the command and its arguments.
    private const string Cork = "cd -- \"$1\" || exit 126; shift; read _ <\"$0\" || exit 126; exec \"$@\"";

    /// <summary>
    /// Runs the command once and returns its counts. With an interval, onInterval is called on this thread every
    /// interval while the command runs, and once more when it ends, with the running totals and the Stopwatch timestamp
    /// they were read at (the release of the command is the first timestamp passed, with no totals).
    /// </summary>
    public static CommandRun Run(string file, IReadOnlyList<string> arguments, string workingDirectory, IReadOnlyList<EventGroup> groups,
        CancellationToken cancel, Action<string>? notice = null, CommandStreams? streams = null, CgroupDirectory? cgroup = null,
        TimeSpan? interval = null, Action<IReadOnlyList<CounterTotals>?, long>? onInterval = null)
    {
        DirectoryInfo temp = Directory.CreateTempSubdirectory("perfsecurity-cork-");
        int pid = -1;
        bool reaped = false;
        Task<(int Status, Processes.RUsage Usage, long End)>? waiter = null;
        try
        {
            string fifo = Path.Combine(temp.FullName, "go");
            Processes.MakeFifo(fifo, 0x180); // 0600
            // Held open for reading and writing, so neither side's open blocks and the byte waits in the pipe.
            using FileDescriptor cork = FileSystem.Open(fifo, FileSystem.O_RDWR);

            var argv = new List<string> { "sh", "-c", Cork, fifo, workingDirectory, file };
            argv.AddRange(arguments);
            pid = Processes.Spawn("/bin/sh", argv, Environment(), streams?.Redirects);

            using CounterSet counters = cgroup is null
                ? CounterSet.Open(groups, CounterTarget.ForProcess(pid),
                    new CounterOptions { Inherit = true, EnableOnExec = true, StartEnabled = false, CommandTimes = true }, notice)
                : CounterSet.Open(groups, CounterTarget.ForCgroup(cgroup), new CounterOptions { StartEnabled = false, CommandTimes = true }, notice);

            int child = pid;
            using CancellationTokenRegistration stop = cancel.Register(() => Processes.Kill(child, Processes.SIGTERM));
            if (cgroup is not null) counters.Enable();
            long start = Stopwatch.GetTimestamp();
            FileSystem.WriteAll(cork, "\n"u8, fifo);
            int status;
            Processes.RUsage usage;
            long end;
            if (interval is { } every && onInterval is not null)
            {
                onInterval(null, start);
                waiter = Task.Run(() =>
                {
                    var (s, u) = Processes.Wait(child);
                    return (s, u, Stopwatch.GetTimestamp());
                });
                long period = (long)(every.TotalSeconds * Stopwatch.Frequency), next = start + period;
                while (true)
                {
                    long wait = Math.Max(0, next - Stopwatch.GetTimestamp());
                    if (waiter.Wait((int)Math.Min(int.MaxValue, wait * 1000 / Stopwatch.Frequency + 1), cancel)) break;
                    long now = Stopwatch.GetTimestamp();
                    if (now < next) continue;
                    onInterval(WithWallTime(counters.Read(), counters.Events, Stopwatch.GetElapsedTime(start, now)), now);
                    while (next <= now) next += period;
                }
                (status, usage, end) = waiter.Result;
            }
            else
            {
                (status, usage) = Processes.Wait(pid);
                end = Stopwatch.GetTimestamp();
            }
            TimeSpan elapsed = Stopwatch.GetElapsedTime(start, end);
            reaped = true;
            cancel.ThrowIfCancellationRequested();

            counters.Disable();
            var totals = WithWallTime(counters.Read(), counters.Events, elapsed, usage);
            if (interval is not null) onInterval?.Invoke(totals, end); // the last, shorter interval, as perf stat -I prints it
            return new CommandRun(Processes.ExitCodeOf(status), elapsed, usage.UserTime.ToTimeSpan(), usage.SystemTime.ToTimeSpan(), totals, counters.EventNames);
        }
        finally
        {
            if (pid > 0 && !reaped)
            {
                Processes.Kill(pid, Processes.SIGKILL);
                if (waiter is not null)
                {
                    try { waiter.Wait(); } catch (AggregateException) { }
                }
                else
                {
                    try { Processes.Wait(pid); } catch (SystemCallException) { }
                }
            }
            try { temp.Delete(recursive: true); } catch (IOException) { }
        }
    }

    // perf's tool events: the command's wall time and, once it has ended, its rusage, as perf stat reports them. While
    // it runs, user_time and system_time are not known yet (not counted).
    private static CounterTotals[] WithWallTime(IReadOnlyList<CounterTotals> read, IReadOnlyList<EventDefinition> events, TimeSpan elapsed,
        Processes.RUsage? usage = null)
    {
        var totals = read.ToArray();
        for (int slot = 0; slot < events.Count; slot++)
        {
            TimeSpan? time = events[slot].ToolName switch
            {
                null => null,
                "user_time" => usage?.UserTime.ToTimeSpan(),
                "system_time" => usage?.SystemTime.ToTimeSpan(),
                _ => elapsed,
            };
            if (time is { } t)
            {
                ulong ns = (ulong)t.Ticks * 100;
                totals[slot] = totals[slot] with { Value = ns, Enabled = ns, Running = ns };
            }
        }
        return totals;
    }

    /// <summary>
    /// Finds an executable the way execvp does: a path as given, otherwise the first file on PATH this process may
    /// execute, or else the first file found (whose exec would fail with EACCES).
    /// </summary>
    public static string? FindExecutable(string name, string? path)
    {
        if (name.Contains('/', StringComparison.Ordinal)) return File.Exists(name) || Directory.Exists(name) ? Path.GetFullPath(name) : null;
        string? first = null;
        foreach (string dir in (path ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (!File.Exists(candidate)) continue;
            if (FileSystem.CheckExecute(candidate) == 0) return candidate;
            first ??= candidate;
        }
        return first;
    }

    /// <summary>
    /// Refuses, before anything starts, a command whose exec would fail: perf stat reports "Workload failed:
    /// Permission denied" there, where a shell would print its own message and exit 126. Checks what execve checks
    /// that can be seen from here: a regular file, execute permission for this process (x bits, noexec mounts),
    /// and the interpreter of a #! script.
    /// </summary>
    public static void EnsureExecutable(string file, string shown)
    {
        // execve takes only a regular file (EACCES otherwise); reading the #! line of a FIFO would wait for a writer.
        bool special = !Directory.Exists(file) && IsSpecialFile(file);
        int errno = Directory.Exists(file) || special ? Errno.EACCES : FileSystem.CheckExecute(file);
        string? interpreter = null;
        if (errno == 0)
        {
            interpreter = Interpreter(file);
            if (interpreter is not null) errno = FileSystem.CheckExecute(interpreter);
        }
        if (errno == 0) return;
        string why = (errno, interpreter) switch
        {
            (Errno.ENOENT, not null) => $"its interpreter {interpreter} (named on its #! line) does not exist",
            (Errno.EACCES, not null) => $"its interpreter {interpreter} (named on its #! line) cannot be executed",
            (Errno.EACCES, _) when Directory.Exists(file) => "it is a directory",
            (Errno.EACCES, _) when special => "it is not a regular file (a FIFO, a device or a socket)",
            (Errno.EACCES, _) => "it has no execute permission for this user, or its file system is mounted noexec",
            _ => Errno.Describe(errno),
        };
        throw new PerfSecurityException("PerfCounterCommandNotExecutable", PerfSecurityException.KindOf(errno),
            $"Cannot run '{shown}' ({file}): {Errno.Describe(errno)}: {why}. perf stat fails the same way (\"Workload failed\"). " +
            (interpreter is null && errno == Errno.EACCES && !Directory.Exists(file) && !special
                ? $"Make it executable (chmod +x {file}) or run it through its interpreter (Measure-PerfCommand /bin/sh {file})."
                : "Fix the file or run it through an interpreter that exists."), shown);
    }

    private static bool IsSpecialFile(string file)
    {
        try { return !FileSystem.Stat(file).IsRegularFile; }
        catch (SystemCallException) { return false; } // missing or unreachable: exec says why
    }

    // The program a "#!" line names (the kernel's binfmt_script: up to the first blank, within the first 255 bytes).
    private static string? Interpreter(string file)
    {
        Span<byte> head = stackalloc byte[256];
        int n;
        // O_NONBLOCK and a regular file checked on the descriptor: a FIFO swapped in since never blocks the open.
        try { n = BoundedFile.ReadHead(file, head, "PerfCounterCommand"); }
        catch (PerfSecurityException)
        {
            return null; // not readable here: exec decides
        }
        if (n < 2 || head[0] != '#' || head[1] != '!') return null;
        string line = Encoding.UTF8.GetString(head[2..n]).Split('\n')[0].Trim(' ', '\t', '\r');
        int end = line.AsSpan().IndexOfAny(Blanks);
        string program = end < 0 ? line : line[..end];
        return program.Length > 0 ? program : null;
    }

    private static List<string> Environment()
    {
        var env = new List<string>();
        foreach (DictionaryEntry e in System.Environment.GetEnvironmentVariables())
            env.Add($"{e.Key}={e.Value}");
        return env;
    }

    /// <summary>A command line for display, quoting arguments that need it.</summary>
    public static string Format(string file, IReadOnlyList<string> arguments)
    {
        var sb = new StringBuilder(Quote(file));
        foreach (string a in arguments) sb.Append(' ').Append(Quote(a));
        return sb.ToString();
    }

    private static string Quote(string s)
        => s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || "-_./=:,+@%".Contains(c, StringComparison.Ordinal)) ? s : "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
