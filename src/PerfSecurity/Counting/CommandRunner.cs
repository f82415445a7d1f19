using System.Collections;
using System.Diagnostics;
using System.Text;
using PerfSecurity.Errors;
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
    // $0 = FIFO, $1 = working directory, then the command and its arguments.
    private const string Cork = "cd -- \"$1\" || exit 126; shift; read _ <\"$0\" || exit 126; exec \"$@\"";

    public static CommandRun Run(string file, IReadOnlyList<string> arguments, string workingDirectory, IReadOnlyList<EventDefinition> events,
        CancellationToken cancel, Action<string>? notice = null)
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
            pid = Processes.Spawn("/bin/sh", argv, Environment());

            using CounterSet counters = CounterSet.Open(events, CounterTarget.ForProcess(pid),
                new CounterOptions { Inherit = true, EnableOnExec = true, StartEnabled = false }, notice);

            using CancellationTokenRegistration stop = cancel.Register(() => Processes.Kill(pid, Processes.SIGTERM));
            long start = Stopwatch.GetTimestamp();
            FileSystem.WriteAll(cork, "\n"u8, fifo);
            var (status, usage) = Processes.Wait(pid);
            TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
            reaped = true;
            cancel.ThrowIfCancellationRequested();

            counters.Disable();
            IReadOnlyList<CounterTotals> totals = counters.Read();
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

    /// <summary>Finds an executable the way the shell would: a path as given, otherwise the first match on PATH.</summary>
    public static string? FindExecutable(string name, string? path)
    {
        if (name.Contains('/', StringComparison.Ordinal)) return File.Exists(name) ? Path.GetFullPath(name) : null;
        foreach (string dir in (path ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
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
