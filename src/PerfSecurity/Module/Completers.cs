using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using PerfSecurity.Settings;

namespace PerfSecurity.Module;

/// <summary>Completes a fixed list of values, each with a one-line meaning as its tooltip.</summary>
public abstract class FixedSetCompleter : IArgumentCompleter
{
    protected abstract IEnumerable<(string Value, string Tooltip)> Values();

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string prefix = wordToComplete.Trim('\'', '"');
        foreach (var (value, tooltip) in Values())
        {
            if (value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                yield return new CompletionResult(value, value, CompletionResultType.ParameterValue, tooltip);
        }
    }
}

public sealed class ParanoidLevelCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values()
    {
        var flavor = KernelInfo.Current.Flavor;
        for (int level = ParanoidLevel.Minimum; level <= ParanoidLevel.Maximum; level++)
            yield return (level.ToString(), ParanoidLevel.Describe(level, flavor));
    }
}

/// <summary>Completes the perf-related sysctl names of this kernel.</summary>
public sealed class SysctlNameCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values()
        => Sysctl.PerfKeys().Select(k => (k, SysctlCatalog.Describe(k) is { Length: > 0 } d ? d : k));
}

/// <summary>Completes the group names in /etc/group (for -Name and -Group of the perf users group cmdlets).</summary>
public sealed class PerfUsersGroupNameCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values() => AccountFile.Names("/etc/group", "group");
}

/// <summary>Completes the user names in /etc/passwd (for -UserName and -Member).</summary>
public sealed class PerfUsersUserNameCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values() => AccountFile.Names("/etc/passwd", "user");
}

/// <summary>Completes capability names for -Capability of New-PerfUsersGroup and New-PerfCapabilityShell.</summary>
public sealed class PerfUsersCapabilityCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values()
        => Enumerable.Range(0, PerfSecurity.Capabilities.CapabilityTable.LastNamed + 1)
            .Select(n => (PerfSecurity.Capabilities.CapabilityTable.NameOf(n), PerfSecurity.Capabilities.CapabilityTable.MeaningOf(n)));
}

internal static class AccountFile
{
    /// <summary>The first field of each line of a colon-separated account file (reading it is enough for completion).</summary>
    public static IEnumerable<(string, string)> Names(string path, string kind)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { yield break; }
        foreach (string line in lines)
        {
            int colon = line.IndexOf(':');
            if (colon > 0 && !line.StartsWith('#')) yield return (line[..colon], $"{kind} {line[..colon]}");
        }
    }
}
