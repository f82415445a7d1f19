using System.Text.RegularExpressions;

namespace PerfSecurity.Capabilities;

/// <summary>
/// The perf found on PATH and, when that is a wrapper script (Debian, Ubuntu), the binary the script runs:
/// the kernel ignores file capabilities on scripts, so they belong on that binary.
/// </summary>
public sealed record PerfProgram(string Path, bool IsScript, string? Binary)
{
    /// <summary>Searches PATH like the shell does; null when there is no executable perf.</summary>
    public static PerfProgram? Find(string? pathVariable = null, string? kernelRelease = null)
    {
        string? found = FindOnPath("perf", pathVariable);
        if (found is null) return null;
        string real = new FileInfo(found).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? found;
        if (!IsScriptFile(real)) return new PerfProgram(found, false, real == found ? null : real);
        return new PerfProgram(found, true, WrappedBinary(real, pathVariable, kernelRelease ?? Settings.KernelInfo.Current.Release));
    }

    /// <summary>The first executable file called <paramref name="name"/> in PATH's directories, as the shell finds it; null when none.</summary>
    public static string? FindOnPath(string name, string? pathVariable = null)
    {
        foreach (string dir in (pathVariable ?? Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = System.IO.Path.Combine(dir, name);
            if (File.Exists(candidate) && IsExecutable(candidate)) return candidate;
        }
        return null;
    }

    private static bool IsExecutable(string path)
    {
        try { return (Native.FileSystem.Stat(path).Permissions & 0x49 /* 0111 */) != 0; }
        catch (Errors.SystemCallException) { return false; }
    }

    /// <summary>Whether an open file starts with #! (read with pread, so the file offset is left alone).</summary>
    public static bool IsScriptFile(Native.FileDescriptor fd)
    {
        Span<byte> head = stackalloc byte[2];
        return Native.FileSystem.ReadHead(fd, head) == 2 && head[0] == '#' && head[1] == '!';
    }

    /// <summary>Whether a regular file starts with #! (the kernel ignores file capabilities on such scripts); unreadable counts as no.</summary>
    public static bool IsScriptFile(string path)
    {
        Span<byte> head = stackalloc byte[2];
        try { return IO.BoundedFile.ReadHead(path, head) == 2 && head[0] == '#' && head[1] == '!'; }
        catch (Errors.PerfSecurityException) { return false; }
    }

    /// <summary>The executable a wrapper script runs, or null when it cannot be told.</summary>
    public static string? WrappedBinary(string script, string? pathVariable, string kernelRelease)
    {
        string? text = IO.BoundedFile.TryReadAllText(script, IO.BoundedFile.TextLimit);
        if (text is null) return null;

        // Ubuntu (linux-tools-common): /usr/lib/linux-tools/<release>/perf.
        string ubuntu = $"/usr/lib/linux-tools/{kernelRelease}/perf";
        if (text.Contains("linux-tools", StringComparison.Ordinal) && File.Exists(ubuntu)) return ubuntu;

        // Debian (linux-perf): exec "perf_<major.minor>", a versioned binary on PATH.
        var m = Regex.Match(kernelRelease, @"^(\d+\.\d+)");
        if (m.Success && text.Contains("perf_", StringComparison.Ordinal))
        {
            foreach (string dir in (pathVariable ?? Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Append(System.IO.Path.GetDirectoryName(script)!))
            {
                string candidate = System.IO.Path.Combine(dir, "perf_" + m.Groups[1].Value);
                if (File.Exists(candidate)) return candidate;
            }
        }

        // Otherwise: the first absolute path on an exec line that is an existing file.
        foreach (Match x in Regex.Matches(text, @"^\s*exec\s+(?:-\S+\s+)*[""']?(/[^\s""']+)", RegexOptions.Multiline))
        {
            if (File.Exists(x.Groups[1].Value)) return x.Groups[1].Value;
        }
        return null;
    }
}
