using System.Globalization;
using PerfSecurity.Errors;

namespace PerfSecurity.Resources;

/// <summary>Reads a process's resource limits from /proc/&lt;pid&gt;/limits (any process, not only our own).</summary>
public static class ProcessLimits
{
    public const string MaxLockedMemory = "Max locked memory";
    public const string MaxOpenFiles = "Max open files";

    public static IReadOnlyDictionary<string, LimitPair> Read(int pid, string procRoot = "/proc")
    {
        string path = Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "limits");
        string text;
        try { text = IO.BoundedFile.ReadAllText(path, IO.BoundedFile.KernelValueLimit, "PerfProcessLimits"); }
        catch (PerfSecurityException e) when (e.Kind == FailureKind.ObjectNotFound)
        {
            throw new PerfSecurityException("PerfProcessNotFound", FailureKind.ObjectNotFound, $"There is no process {pid}.", pid);
        }
        catch (PerfSecurityException e) when (e.Kind == FailureKind.PermissionDenied)
        {
            throw new PerfSecurityException("PerfProcessLimitsDenied", FailureKind.PermissionDenied,
                $"Cannot read the limits of process {pid}: it belongs to another user. Run as root or as its owner.", pid);
        }
        return Parse(text);
    }

    /// <summary>Parses the table: a name of several words, then soft, hard and (optionally) units.</summary>
    public static IReadOnlyDictionary<string, LimitPair> Parse(string text)
    {
        var limits = new Dictionary<string, LimitPair>(StringComparer.Ordinal);
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.TrimEnd();
            if (line.StartsWith("Limit ", StringComparison.Ordinal) || line.Length < 26) continue;
            // The name column is 26 characters wide; values follow separated by spaces.
            string name = line[..Math.Min(26, line.Length)].Trim();
            string[] fields = line[Math.Min(26, line.Length)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (name.Length == 0 || fields.Length < 2) continue;
            if (TryValue(fields[0], out ulong? soft) && TryValue(fields[1], out ulong? hard))
                limits[name] = new LimitPair(soft, hard);
        }
        return limits;
    }

    private static bool TryValue(string field, out ulong? value)
    {
        value = null;
        if (field == "unlimited") return true;
        if (ulong.TryParse(field, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong v)) { value = v; return true; }
        return false;
    }

    /// <summary>
    /// The descriptors a program started by the process would inherit: those without close-on-exec
    /// (the "flags" line of /proc/&lt;pid&gt;/fdinfo/&lt;fd&gt;, O_CLOEXEC = 02000000 octal), ascending.
    /// </summary>
    public static int[] InheritedFileNumbers(int pid, string procRoot = "/proc")
    {
        var result = new List<int>();
        foreach (int fd in OpenFileNumbers(pid, procRoot))
        {
            string info;
            try { info = File.ReadAllText(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "fdinfo", fd.ToString(CultureInfo.InvariantCulture))); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; } // closed meanwhile
            foreach (string line in info.Split('\n'))
            {
                if (!line.StartsWith("flags:", StringComparison.Ordinal)) continue;
                if ((Convert.ToInt64(line[6..].Trim(), 8) & 0x80000) == 0) result.Add(fd);
                break;
            }
        }
        return result.ToArray();
    }

    /// <summary>The numbers of a process's open descriptors, ascending.</summary>
    public static int[] OpenFileNumbers(int pid, string procRoot = "/proc")
    {
        try
        {
            var numbers = Directory.EnumerateFileSystemEntries(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "fd"))
                .Select(f => int.TryParse(Path.GetFileName(f), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : -1).Where(n => n >= 0).ToArray();
            Array.Sort(numbers);
            return numbers;
        }
        catch (UnauthorizedAccessException)
        {
            throw new PerfSecurityException("PerfProcessFdDenied", FailureKind.PermissionDenied,
                $"Cannot list the open files of process {pid}: it belongs to another user. Run as root or as its owner.", pid);
        }
        catch (DirectoryNotFoundException)
        {
            throw new PerfSecurityException("PerfProcessNotFound", FailureKind.ObjectNotFound, $"There is no process {pid}.", pid);
        }
    }
}
