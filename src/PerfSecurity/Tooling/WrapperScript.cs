using System.Text.RegularExpressions;
using PerfSecurity.IO;
using PerfSecurity.Settings;

namespace PerfSecurity.Tooling;

/// <summary>
/// What a distribution's perf wrapper script runs: the program on its <c>exec</c> line, or, when that cannot be read
/// from the text (a version from <c>uname -r</c>), the binary the distribution installs for the running kernel.
/// </summary>
public static partial class WrapperScript
{
    /// <summary>
    /// The binary <paramref name="script"/> runs when started as <paramref name="invokedAs"/>: its exec line when that
    /// names an existing file; otherwise the first existing distribution binary for <paramref name="kernel"/> (see
    /// <see cref="Candidates"/>) that is no script, does not lead back to the script and is reached through links and
    /// directories only root controls (a candidate someone else controls is no candidate); otherwise what the exec
    /// line names, even when it does not exist, or null.
    /// </summary>
    public static string? BinaryOf(string script, string invokedAs, KernelInfo kernel)
    {
        string? text = BoundedFile.TryReadAllText(script, BoundedFile.TextLimit);
        if (text is null) return null;
        string directory = Path.GetDirectoryName(script) ?? "/";
        string? exec = ExecTarget(text.Split('\n'), directory, Path.GetDirectoryName(invokedAs));
        if (exec is not null && File.Exists(exec)) return exec;
        foreach (string candidate in Candidates(script, text, kernel))
        {
            if (!File.Exists(candidate)) continue;
            if (SecurePath.FindWeakness(candidate, PathOptions.FollowFinalLink, out string? real) is not null && real is null) continue;
            if (real == script || FileEntry.IsScript(real ?? candidate)) continue;
            return candidate;
        }
        return exec;
    }

    /// <summary>
    /// Where distributions put the binary their wrapper runs, in the order tried: an absolute perf path the script
    /// names; Debian's perf_&lt;major&gt;.&lt;minor&gt; beside the script, on PATH or in /usr/bin; Ubuntu's
    /// /usr/lib/linux-tools/&lt;release&gt;/perf (and linux-tools-&lt;release&gt;).
    /// </summary>
    public static IEnumerable<string> Candidates(string script, string text, KernelInfo kernel)
    {
        foreach (Match m in AbsolutePerfPath().Matches(text)) yield return m.Value;
        string versioned = $"perf_{kernel.Version.Major}.{kernel.Version.Minor}";
        yield return Path.Combine(Path.GetDirectoryName(script) ?? "/usr/bin", versioned);
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            yield return Path.Combine(dir, versioned);
        yield return "/usr/bin/" + versioned;
        yield return $"/usr/lib/linux-tools/{kernel.Release}/perf";
        yield return $"/usr/lib/linux-tools-{kernel.Release}/perf";
    }

    [GeneratedRegex(@"(?<![\w/$])/[\w./+-]*/perf[\w.+-]*(?![\w/])")]
    private static partial Regex AbsolutePerfPath();

    /// <summary>
    /// The program a wrapper script execs: the first word after <c>exec</c> (options of exec skipped),
    /// with simple <c>NAME=value</c> variables of the script expanded; a bare name is looked up on PATH.
    /// </summary>
    /// <param name="lines">The script.</param>
    /// <param name="scriptDirectory">Where a relative program name is looked for.</param>
    /// <param name="invokedDirectory">The directory of the name the script was run by ($0), for <c>$(dirname "$0")</c>; default <paramref name="scriptDirectory"/>.</param>
    public static string? ExecTarget(IEnumerable<string> lines, string scriptDirectory, string? invokedDirectory = null)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string raw in lines)
        {
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var assign = AssignmentPattern().Match(line);
            if (assign.Success)
            {
                variables[assign.Groups[1].Value] = Expand(Unquote(assign.Groups[2].Value), variables);
                continue;
            }
            var exec = ExecPattern().Match(ExpandScriptDirectory(line, invokedDirectory ?? scriptDirectory));
            if (!exec.Success) continue;
            foreach (string word in SplitWords(exec.Groups[1].Value))
            {
                if (word.StartsWith('-')) continue; // exec -a NAME: the name is the next word, not the program
                string program = Expand(word, variables);
                if (program.Length == 0 || program.Contains('$', StringComparison.Ordinal)) return null;
                if (program.Contains('/', StringComparison.Ordinal))
                    return Path.IsPathRooted(program) ? program : Path.GetFullPath(Path.Combine(scriptDirectory, program));
                return PerfLocator.FindOnPath(program) ?? program;
            }
        }
        return null;
    }

    private static IEnumerable<string> SplitWords(string text)
    {
        bool skipNext = false;
        foreach (Match m in WordPattern().Matches(text))
        {
            string w = Unquote(m.Value);
            if (skipNext) { skipNext = false; continue; }
            if (w == "-a") { skipNext = true; continue; }
            yield return w;
        }
    }

    private static string Unquote(string s) => s.Length >= 2 && (s[0] == '"' && s[^1] == '"' || s[0] == '\'' && s[^1] == '\'') ? s[1..^1] : s;

    private static string Expand(string s, Dictionary<string, string> variables)
        => VariablePattern().Replace(s, m => variables.TryGetValue(m.Groups[1].Value + m.Groups[2].Value, out var v) ? v : m.Value);

    /// <summary>The script's own directory, as <c>$(dirname "$0")</c>, <c>`dirname $0`</c> or <c>${0%/*}</c> give it.</summary>
    private static string ExpandScriptDirectory(string s, string scriptDirectory)
        => ScriptDirectoryPattern().Replace(s, scriptDirectory);

    [GeneratedRegex(@"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(\S*)$")]
    private static partial Regex AssignmentPattern();
    [GeneratedRegex(@"(?:^|[;&|]\s*)exec\s+(.+)$")]
    private static partial Regex ExecPattern();
    [GeneratedRegex(@"""[^""]*""|'[^']*'|\S+")]
    private static partial Regex WordPattern();
    [GeneratedRegex(@"\$\(dirname\s+(?:""\$0""|'\$0'|\$0)\s*\)|`dirname\s+(?:""\$0""|\$0)\s*`|\$\{0%/\*\}")]
    private static partial Regex ScriptDirectoryPattern();
    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex VariablePattern();
}
