using System.Buffers;
using PerfSecurity.Errors;
using PerfSecurity.IO;

namespace PerfSecurity.Audit;

/// <summary>
/// A sudoers user specification that grants a capability shell: its command is capsh itself or a script that
/// runs capsh (the guide's /usr/local/bin/perf.shell).
/// </summary>
public sealed record SudoersRule(string File, int Line, string Text, string[] Users, string[] Commands, string? Script, bool ScriptRunsCapsh)
{
    private static readonly SearchValues<char> Wildcards = SearchValues.Create("*?[");

    /// <summary>Reads /etc/sudoers and the files of its #includedir/@includedir directories (sudo's rules: no dots, no trailing ~).</summary>
    public static IReadOnlyList<SudoersRule> Load(string sudoersPath, AuditContext context)
    {
        var rules = new List<SudoersRule>();
        var files = new List<string> { sudoersPath };
        for (int i = 0; i < files.Count; i++)
        {
            string text;
            try { text = BoundedFile.ReadAllText(files[i], BoundedFile.TextLimit, "PerfAuditSudoers"); }
            catch (PerfSecurityException e) when (e.Kind == FailureKind.ObjectNotFound) { continue; }
            catch (PerfSecurityException e) { context.NoteUnreadable(files[i], e.Message); continue; }
            rules.AddRange(Parse(text, files[i], files, context));
        }
        return rules;
    }

    public static IEnumerable<SudoersRule> Parse(string text, string file, List<string>? includes = null, AuditContext? context = null)
    {
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int lineNumber = i + 1;
            string line = lines[i].TrimEnd('\r');
            while (line.EndsWith('\\') && i + 1 < lines.Length) line = line[..^1] + " " + lines[++i].TrimEnd('\r');
            line = line.Trim();
            if (line.Length == 0) continue;
            string[] words = line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
            if (words[0] is "#includedir" or "@includedir" && words.Length == 2)
            {
                IncludeDirectory(words[1].Trim(), includes, context);
                continue;
            }
            if (words[0] is "#include" or "@include" && words.Length == 2)
            {
                includes?.Add(words[1].Trim());
                continue;
            }
            if (line[0] == '#') continue;
            int hash = line.IndexOf(" #", StringComparison.Ordinal);
            if (hash >= 0) line = line[..hash].TrimEnd();
            if (words[0].StartsWith("Defaults", StringComparison.Ordinal) || words[0].EndsWith("_Alias", StringComparison.Ordinal)) continue;

            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0 || words.Length < 2) continue;
            string users = words[0];
            string commandPart = line[(eq + 1)..];
            var commands = commandPart.Split(',').Select(CommandOf).Where(c => c.Length > 0).ToArray();
            string? script = null;
            bool capsh = false;
            foreach (string c in commands)
            {
                string program = c.Split(' ', 2)[0];
                if (Path.GetFileName(program) == "capsh") { capsh = true; script ??= program; }
                else if (program.StartsWith('/') && RunsCapsh(program)) { capsh = true; script = program; }
            }
            if (!capsh) continue;
            yield return new SudoersRule(file, lineNumber, line, users.Split(',', StringSplitOptions.RemoveEmptyEntries), commands, script, true);
        }
    }

    private static void IncludeDirectory(string dir, List<string>? includes, AuditContext? context)
    {
        if (includes is null || !Directory.Exists(dir)) return;
        try
        {
            foreach (string f in Directory.EnumerateFiles(dir).OrderBy(f => f, StringComparer.Ordinal))
            {
                string name = Path.GetFileName(f);
                if (name.Contains('.', StringComparison.Ordinal) || name.EndsWith('~')) continue;
                includes.Add(f);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { context?.NoteUnreadable(dir, e.Message); }
    }

    /// <summary>"(root) NOPASSWD: /usr/local/bin/perf.shell" → "/usr/local/bin/perf.shell".</summary>
    private static string CommandOf(string item)
    {
        string s = item.Trim();
        if (s.StartsWith('('))
        {
            int close = s.IndexOf(')', StringComparison.Ordinal);
            s = close < 0 ? "" : s[(close + 1)..].Trim();
        }
        while (true)
        {
            int colon = s.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || s[..colon].Contains(' ', StringComparison.Ordinal) || s[..colon].Contains('/', StringComparison.Ordinal)) break;
            s = s[(colon + 1)..].Trim(); // a tag such as NOPASSWD: or SETENV:
        }
        return s;
    }

    public static bool RunsCapsh(string path)
    {
        return BoundedFile.TryReadAllText(path, 65536)?.Contains("capsh", StringComparison.Ordinal) == true;
    }

    /// <summary>Why this rule is wider than the guide's "%perf_users ALL=/usr/local/bin/perf.shell"; empty when it is not.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (string u in Users)
        {
            if (u == "ALL") yield return "it is granted to ALL users, not to a group";
            else if (!u.StartsWith('%')) yield return $"it is granted to the user '{u}', not to a group";
        }
        foreach (string c in Commands)
        {
            string program = c.Split(' ', 2)[0];
            if (c == "ALL") yield return "it allows ALL commands";
            else if (Path.GetFileName(program) == "capsh") yield return $"it runs capsh directly ({c}), so callers choose their own capabilities and user";
            else if (c.AsSpan().IndexOfAny(Wildcards) >= 0) yield return $"the command '{c}' has a wildcard";
        }
        // The test New-PerfCapabilityShell applies: script, its directory and every one above root's alone, not in /tmp or a home.
        if (Script is not null && Path.GetFileName(Script) != "capsh" && PerfSecurity.Groups.ScriptLocation.FindWeakness(Script) is { } weakness)
            yield return $"its script {Script} can be changed by others than root: {weakness}";
    }

    /// <summary>The groups (without %) the rule is granted to.</summary>
    public IEnumerable<string> Groups => Users.Where(u => u.StartsWith('%')).Select(u => u[1..].TrimStart(':'));
}
