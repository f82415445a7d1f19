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

/// <summary>Completes the names of local users (NSS entries listed in /etc/passwd).</summary>
public sealed class UserNameCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values()
    {
        string[] lines;
        try { lines = File.ReadAllLines("/etc/passwd"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { yield break; }
        foreach (string line in lines)
        {
            string[] f = line.Split(':');
            if (f.Length > 2) yield return (f[0], $"uid {f[2]}");
        }
    }
}

/// <summary>Completes the group names in /etc/group (for -Name and -Group of the perf users group cmdlets).</summary>
public sealed class PerfUsersGroupNameCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values()
    {
        string[] lines;
        try { lines = File.ReadAllLines("/etc/group"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { yield break; }
        foreach (string line in lines)
        {
            string[] f = line.Split(':');
            if (f.Length > 2 && !line.StartsWith('#')) yield return (f[0], $"gid {f[2]}");
        }
    }
}

/// <summary>Completes capability names for -Capability of New-PerfUsersGroup and New-PerfCapabilityShell.</summary>
public sealed class PerfUsersCapabilityCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values()
        => Enumerable.Range(0, PerfSecurity.Capabilities.CapabilityTable.LastNamed + 1)
            .Select(n => (PerfSecurity.Capabilities.CapabilityTable.NameOf(n), PerfSecurity.Capabilities.CapabilityTable.MeaningOf(n)));
}
