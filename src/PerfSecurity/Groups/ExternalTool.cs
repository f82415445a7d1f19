using System.Diagnostics;
using PerfSecurity.Errors;

namespace PerfSecurity.Groups;

/// <summary>
/// Runs the owners of the shared system databases (groupadd, gpasswd, usermod, visudo): no shell,
/// a fixed search path instead of the caller's PATH, the C locale so that messages are stable.
/// </summary>
public static class ExternalTool
{
    // Root runs these: a PATH entry a user controls must not decide which program that is.
    private static readonly string[] SearchDirectories = { "/usr/sbin", "/usr/bin", "/sbin", "/bin" };

    /// <summary>The full path of a system tool, or null when it is not installed.</summary>
    public static string? Find(string name)
    {
        foreach (string dir in SearchDirectories)
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The full path of a system tool; a missing one is a NotInstalled failure naming the package.</summary>
    public static string Require(string name, string package)
        => Find(name) ?? throw new PerfSecurityException("PerfToolNotInstalled", FailureKind.NotInstalled,
            $"'{name}' is not installed (looked in {string.Join(", ", SearchDirectories)}). Install the '{package}' package.", name);

    /// <summary>
    /// Runs a tool and returns its result; a non-zero exit becomes <paramref name="failureId"/> with the tool's
    /// own message, classified by <paramref name="kindOfExit"/> (InvalidOperation when not given).
    /// </summary>
    public static ToolResult Run(string name, string package, IEnumerable<string> arguments, string failureId, string what,
        object? target = null, Func<int, FailureKind>? kindOfExit = null)
    {
        ToolResult r = RunUnchecked(Require(name, package), arguments);
        if (r.ExitCode != 0)
        {
            string said = r.StandardError.Trim();
            if (said.Length == 0) said = r.StandardOutput.Trim();
            throw new PerfSecurityException(failureId, kindOfExit?.Invoke(r.ExitCode) ?? FailureKind.InvalidOperation,
                $"{what} failed: {name} exited with {r.ExitCode}{(said.Length > 0 ? $": {said}" : ".")}", target);
        }
        return r;
    }

    /// <summary>Runs a program by full path and waits for it, whatever its exit code.</summary>
    public static ToolResult RunUnchecked(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        start.Environment["LC_ALL"] = "C";
        start.Environment["PATH"] = string.Join(':', SearchDirectories);

        using var process = Process.Start(start)
            ?? throw new PerfSecurityException("PerfToolStartFailed", FailureKind.InvalidOperation, $"Cannot start '{program}'.", program);
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new PerfSecurityException("PerfToolTimedOut", FailureKind.ResourceUnavailable, $"'{program}' did not finish within 2 minutes.", program);
        }
        process.WaitForExit();
        return new ToolResult(Path.GetFileName(program), process.ExitCode, stdout.Result, stderr.Result);
    }
}
