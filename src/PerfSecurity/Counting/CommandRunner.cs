using System.Buffers;
using System.Collections;
using System.Diagnostics;
using System.Text;
using PerfSecurity.Errors;
using PerfSecurity.IO;
using PerfSecurity.Native;

namespace PerfSecurity.Counting;

/// <summary>One run of a measured command.</summary>
public sealed record CommandRun(int ExitCode, TimeSpan Elapsed, TimeSpan UserTime, TimeSpan SystemTime, IReadOnlyList<CounterTotals> Totals, IReadOnlyList<string> EventNames);

/// <summary>
/// Runs a command the way perf stat does: a corked shell waits on a FIFO, counters are opened on it with
/// enable_on_exec and inherit, then the cork is released and the shell execs the command. Counting starts at
/// that exec (the shell's own work is not counted) and includes the command's children.
/// </summary>
public static class CommandRunner
{
    private static readonly SearchValues<char> Blanks = SearchValues.Create(" \t");

    // $0 = FIFO, $1 = working directory, then the command and its arguments.
    private const string Cork = "cd -- \"$1\" || exit 126; shift; read _ <\"$0\" || exit 126; exec \"$@\"";

    public static CommandRun Run(string file, IReadOnlyList<string> arguments, string workingDirectory, IReadOnlyList<EventDefinition> events,
        CancellationToken cancel, Action<string>? notice = null, CommandStreams? streams = null)
    {
        DirectoryInfo temp = Directory.CreateTempSubdirectory("perfsecurity-cork-");
        int pid = -1;
        bool reaped = false;
        try
        {
            string fifo = Path.Combine(temp.FullName, "go");
            Processes.MakeFifo(fifo, 0x180); // 0600
            // Held open for reading and writing, so neither side's open blocks and the byte waits in the pipe.
            using FileDescriptor cork = FileSystem.Open(fifo, FileSystem.O_RDWR);

            var argv = new List<string> { "sh", "-c", Cork, fifo, workingDirectory, file };
            argv.AddRange(arguments);
            pid = Processes.Spawn("/bin/sh", argv, Environment(), streams?.Redirects);

            using CounterSet counters = CounterSet.Open(events, CounterTarget.ForProcess(pid),
                new CounterOptions { Inherit = true, EnableOnExec = true, StartEnabled = false, CommandTimes = true }, notice);

            using CancellationTokenRegistration stop = cancel.Register(() => Processes.Kill(pid, Processes.SIGTERM));
            long start = Stopwatch.GetTimestamp();
            FileSystem.WriteAll(cork, "\n"u8, fifo);
            var (status, usage) = Processes.Wait(pid);
            TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
            reaped = true;
            cancel.ThrowIfCancellationRequested();

            counters.Disable();
            var totals = counters.Read().ToList();
            // perf's tool events: the command's wall time and its rusage, as perf stat reports them.
            foreach (EventDefinition tool in counters.Events.Where(e => e.IsTool))
            {
                ulong ns = (ulong)(tool.ToolName switch
                {
                    "user_time" => usage.UserTime.ToTimeSpan(),
                    "system_time" => usage.SystemTime.ToTimeSpan(),
                    _ => elapsed,
                }).Ticks * 100;
                int i = totals.FindIndex(t => t.Event == tool.Name);
                if (i >= 0) totals[i] = totals[i] with { Value = ns, Enabled = ns, Running = ns };
            }
            return new CommandRun(Processes.ExitCodeOf(status), elapsed, usage.UserTime.ToTimeSpan(), usage.SystemTime.ToTimeSpan(), totals, counters.EventNames);
        }
        finally
        {
            if (pid > 0 && !reaped)
            {
                Processes.Kill(pid, Processes.SIGKILL);
                try { Processes.Wait(pid); } catch (SystemCallException) { }
            }
            try { temp.Delete(recursive: true); } catch (IOException) { }
        }
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

/// <summary>
/// Where a measured command's standard input, output and error go, as Start-Process's -Redirect* parameters: files
/// opened once (output truncated, as Start-Process does) and shared by every run; with Quiet, output and error not
/// redirected go to /dev/null.
/// </summary>
public sealed class CommandStreams : IDisposable
{
    private readonly List<FileDescriptor> _open = new();

    private CommandStreams() { }

    internal List<(FileDescriptor Fd, int Target)> Redirects { get; } = new();

    public static CommandStreams Open(string? input, string? output, string? error, bool quiet)
    {
        var streams = new CommandStreams();
        try
        {
            if (input is not null) streams.Add(OpenFile(input, FileSystem.O_RDONLY), 0);
            FileDescriptor? outFd = output is not null ? OpenFile(output, FileSystem.O_WRONLY | FileSystem.O_CREAT | FileSystem.O_TRUNC) : null;
            if (outFd is not null) streams.Add(outFd, 1);
            if (error is not null)
            {
                // One file for both, as 2>&1: one descriptor, so the two streams do not overwrite each other.
                bool same = outFd is not null && Path.GetFullPath(error) == Path.GetFullPath(output!);
                streams.Add(same ? outFd! : OpenFile(error, FileSystem.O_WRONLY | FileSystem.O_CREAT | FileSystem.O_TRUNC), 2, owned: !same);
            }
            if (quiet && (output is null || error is null))
            {
                FileDescriptor nul = OpenFile("/dev/null", FileSystem.O_WRONLY);
                if (output is null) streams.Add(nul, 1);
                if (error is null) streams.Add(nul, 2, owned: output is not null);
            }
            return streams;
        }
        catch
        {
            streams.Dispose();
            throw;
        }
    }

    private void Add(FileDescriptor fd, int target, bool owned = true)
    {
        if (owned) _open.Add(fd);
        Redirects.Add((fd, target));
    }

    private static FileDescriptor OpenFile(string path, int flags)
    {
        try
        {
            return FileSystem.Open(path, flags, 0x1b6); // 0666, less the umask, as a shell redirection creates it
        }
        catch (SystemCallException e)
        {
            throw new PerfSecurityException("PerfCounterRedirectFailed", PerfSecurityException.KindOf(e.Errno),
                $"Cannot open '{path}' for the command's {((flags & FileSystem.O_WRONLY) != 0 ? "output" : "input")}: {Errno.Describe(e.Errno)}.", path, e);
        }
    }

    public void Dispose()
    {
        foreach (FileDescriptor fd in _open.Distinct()) fd.Dispose();
        _open.Clear();
    }
}
