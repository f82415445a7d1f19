using System.Buffers;
using System.Diagnostics;
using System.Text.RegularExpressions;
using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using PerfSecurity.IO;

namespace PerfSecurity.Tooling;

/// <summary>What the perf program is: where <see cref="PerfLocator"/> leads, its version, how it is linked and the libcap it finds.</summary>
public static partial class PerfTool
{
    private static readonly SearchValues<char> Blanks = SearchValues.Create(" \t");

    /// <summary>libcap learnt the name cap_perfmon in 2.36.</summary>
    public static readonly Version PerfmonLibcap = new(2, 36);

    /// <summary>Library directories searched for the system libcap, in the dynamic linker's usual order.</summary>
    public static readonly IReadOnlyList<string> LibraryDirectories = new[]
    {
        "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
        "/lib64", "/usr/lib64", "/lib", "/usr/lib",
    };

    private static string RealPath(string path)
    {
        try
        {
            var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
            return target?.FullName ?? Path.GetFullPath(path);
        }
        catch (IOException) { return path; }
    }

    /// <summary>The system libcap.so.2 and its version from the real file name, or nulls.</summary>
    public static (string? Path, string? Version) FindLibcap(IEnumerable<string>? directories = null)
    {
        foreach (string dir in directories ?? LibraryDirectories)
        {
            string link = Path.Combine(dir, "libcap.so.2");
            if (!File.Exists(link)) continue;
            string real = RealPath(link);
            return (real, LibcapVersionOf(real));
        }
        return (null, null);
    }

    /// <summary>libcap.so.2.66 → "2.66"; a name without a version → null.</summary>
    public static string? LibcapVersionOf(string fileName)
    {
        var m = LibcapNamePattern().Match(Path.GetFileName(fileName));
        return m.Success ? m.Groups[1].Value : null;
    }

    [GeneratedRegex(@"^libcap\.so\.(\d+(?:\.\d+)+)$")]
    private static partial Regex LibcapNamePattern();

    public static bool? KnowsPerfmon(string? libcapVersion)
        => libcapVersion is not null && Version.TryParse(libcapVersion.Contains('.', StringComparison.Ordinal) ? libcapVersion : libcapVersion + ".0", out var v)
            ? v >= PerfmonLibcap : null;

    /// <summary>Runs <c>perf --version</c> (5 s at most) and returns its version word, or null when it cannot run.</summary>
    public static string? RunVersion(string program)
    {
        try
        {
            var psi = new ProcessStartInfo(program, "--version")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            // The program runs as the caller (root, often) with nothing of the caller's environment but a PATH cut to what
            // root alone can change: LD_PRELOAD, LD_LIBRARY_PATH, PERF_EXEC_PATH or BASH_ENV could otherwise load a
            // user's code, and a wrapper script runs more than its exec line (uname, env's interpreter).
            string path = TrustedSearchPath(Environment.GetEnvironmentVariable("PATH"));
            psi.Environment.Clear();
            psi.Environment["PATH"] = path;
            psi.Environment["LC_ALL"] = "C";
            using var p = Process.Start(psi);
            if (p is null) return null;
            var output = p.StandardOutput.ReadToEndAsync();
            if (!p.WaitForExit(5000)) { try { p.Kill(true); } catch (InvalidOperationException) { } return null; }
            if (p.ExitCode != 0) return null;
            return ParseVersion(output.Result);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>The directories of <paramref name="path"/> that root alone can change, in order; the system directories when none is.</summary>
    public static string TrustedSearchPath(string? path)
    {
        var trusted = (path ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Where(d => d[0] == '/' && IO.SecurePath.FindWeakness(d) is null).Distinct().ToList();
        return trusted.Count > 0 ? string.Join(':', trusted) : "/usr/sbin:/usr/bin:/sbin:/bin";
    }

    /// <summary>"perf version 6.1.187" → "6.1.187".</summary>
    public static string? ParseVersion(string output)
    {
        var m = PerfVersionPattern().Match(output);
        return m.Success ? m.Groups[1].Value : null;
    }

    [GeneratedRegex(@"perf version\s+(\S+)")]
    private static partial Regex PerfVersionPattern();

    public static PerfToolInfo Inspect(string path, bool runVersion = true, IEnumerable<string>? libraryDirectories = null)
    {
        if (!File.Exists(path))
            throw new PerfSecurityException("PerfToolFileNotFound", FailureKind.ObjectNotFound, $"The file '{path}' does not exist.", path);
        PerfLocation location = PerfLocator.Locate(path);
        IReadOnlyList<string> chain = location.Chain;
        string real = location.End;
        bool isScript = location.IsScript;
        // What the chain ends at is read, unless it is a link that was not followed: its owner may point it anywhere.
        string? readable = location.Binary ?? (FileEntry.IsSymbolicLink(real) ? null : real);

        ElfFile? elf = null;
        if (location.Binary is { } binary && File.Exists(binary)) elf = ElfFile.Read(binary);
        bool? linksLibcap = elf is null ? null : elf.Needed.Any(n => n.StartsWith("libcap.so", StringComparison.Ordinal));
        // Running the program for its version runs it as the caller (root, often): only a program that root alone
        // can change, on a path only root can change, is run; any other is read, never executed.
        string? notRun = runVersion ? WhyNotRun(chain) : null;
        string? version = runVersion && notRun is null ? RunVersion(path) : null;
        if (version is null && elf?.BuildId is { } id) version = "build-id " + id;

        var (libcapPath, libcapVersion) = FindLibcap(libraryDirectories);
        bool? knowsPerfmon = KnowsPerfmon(libcapVersion);
        string? caps = readable is not null && File.Exists(readable) ? FileCapabilities.Read(readable)?.Text : null;

        return new PerfToolInfo(path, real, isScript, chain.ToArray(), version, elf?.BuildId, linksLibcap, elf?.Needed ?? Array.Empty<string>(),
            libcapPath, libcapVersion, knowsPerfmon, caps, Consequences(isScript, real, linksLibcap, libcapVersion, knowsPerfmon, caps).ToArray(), notRun);
    }

    /// <summary>
    /// Why a program (and every script or link on its way to the real binary) must not be run as the caller:
    /// the first file or directory someone other than root can change, as a sentence; null when root alone can.
    /// </summary>
    public static string? WhyNotRun(IEnumerable<string> chain)
    {
        foreach (string file in chain)
        {
            string? weakness = IO.SecurePath.FindWeakness(file);
            if (weakness is not null) return $"{weakness}; '{file}' was read, not run";
            // The kernel runs a script's #! interpreter as the caller too.
            if (Interpreter(file) is { } interpreter && IO.SecurePath.FindWeakness(interpreter) is { } w)
                return $"{w}; '{file}' is run by '{interpreter}', so it was read, not run";
        }
        return null;
    }

    /// <summary>The program on a script's #! line, or null for a file that is not a script.</summary>
    private static string? Interpreter(string file)
    {
        if (!FileEntry.IsScript(file)) return null;
        Span<byte> head = stackalloc byte[256];
        int n;
        try { n = IO.BoundedFile.ReadHead(file, head); }
        catch (PerfSecurityException) { return null; }
        string line = System.Text.Encoding.UTF8.GetString(head[2..n]).Split('\n')[0].Trim();
        int end = line.AsSpan().IndexOfAny(Blanks);
        string program = end < 0 ? line : line[..end];
        return program.Length == 0 ? null : program;
    }

    public static IEnumerable<string> Consequences(bool isScript, string real, bool? linksLibcap, string? libcapVersion, bool? knowsPerfmon, string? caps)
    {
        if (isScript)
            yield return $"perf is a wrapper script: the kernel ignores file capabilities on scripts, so put them on {real}; a perf upgrade installs a new binary without them.";
        if (knowsPerfmon == false)
        {
            yield return $"setcap needs the number 38 instead of cap_perfmon (libcap {libcapVersion} predates 2.36), and getcap shows it as 38.";
            if (linksLibcap == true)
                yield return "perf's default event becomes cycles:u without CAP_PERFMON recognition: use -e cycles to get kernel samples with CAP_PERFMON alone.";
        }
        else if (knowsPerfmon == true)
        {
            yield return $"libcap {libcapVersion} knows cap_perfmon: setcap and getcap use the name.";
        }
        else
        {
            yield return "No libcap.so.2 was found: setcap and getcap are not installed from a libcap this module can see; Set-PerfCapability works without them.";
        }
        if (linksLibcap == false)
            yield return "perf does not link libcap: it decides by capget() (or euid 0) and needs no libcap support for cap_perfmon.";
        if (caps is null)
            yield return "The real binary has no file capabilities: unprivileged users are limited by kernel.perf_event_paranoid.";
        else if (caps.Contains("cap_sys_admin", StringComparison.Ordinal) || caps.StartsWith("=ep", StringComparison.Ordinal))
            yield return "The real binary carries cap_sys_admin: the guide discourages it; cap_perfmon (with cap_sys_ptrace, cap_syslog) is enough on 5.9+.";
        else if (!caps.Contains("cap_ipc_lock", StringComparison.Ordinal) && (caps.Contains("cap_perfmon", StringComparison.Ordinal) || caps.Contains("38", StringComparison.Ordinal)))
            yield return "Without cap_ipc_lock, perf top and several concurrent sessions share the perf_event_mlock_kb budget: use perf top -m N to shrink the ring buffer.";
    }
}
