namespace PerfSecurity.Module;

/// <summary>Completes user names from /etc/passwd, with uid and shell as the tooltip.</summary>
public sealed class UserNameCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values()
    {
        IEnumerable<string> lines;
        try { lines = File.ReadAllLines("/etc/passwd"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { yield break; }
        foreach (string line in lines)
        {
            string[] f = line.Split(':');
            if (f.Length < 7 || f[0].Length == 0 || f[0].StartsWith('#') || f[0].StartsWith('+') || f[0].StartsWith('-')) continue;
            yield return (f[0], $"uid {f[2]}, {f[6]}");
        }
    }
}
