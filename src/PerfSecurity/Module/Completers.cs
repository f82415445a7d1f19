using System.Collections;
using System.Globalization;
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
            yield return (level.ToString(CultureInfo.InvariantCulture), ParanoidLevel.Describe(level, flavor));
    }
}

/// <summary>Completes the perf-related sysctl names of this kernel.</summary>
public sealed class SysctlNameCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values()
        => Sysctl.PerfKeys().Select(k => (k, SysctlCatalog.Describe(k) is { Length: > 0 } d ? d : k));
}

/// <summary>Completes one audit profile (Repair-PerfSecurityFinding -Profile) with the standard it stands for.</summary>
public sealed class AuditProfileCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values() => Audit.AuditCatalog.ProfileNames(includeAll: false);
}

/// <summary>Completes the audit profiles and All (Invoke-PerfSecurityAudit -Profile).</summary>
public sealed class AuditProfileOrAllCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values() => Audit.AuditCatalog.ProfileNames(includeAll: true);
}

/// <summary>Completes the ids of the audit checks.</summary>
public sealed class AuditCheckIdCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values() => Audit.AuditCatalog.Checks.Select(c => (c.Id, c.Title));
}

/// <summary>Completes the names of local users (NSS entries listed in /etc/passwd).</summary>
public sealed class UserNameCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values()
    {
        string text = IO.BoundedFile.TryReadAllText("/etc/passwd", IO.BoundedFile.AccountDatabaseLimit) ?? "";
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = line.Split(':');
            if (f.Length > 2) yield return (f[0], $"uid {f[2]}");
        }
    }
}
/// <summary>Completes event names: generic events and aliases, PMU events, and tracepoints once "subsystem:" is typed.</summary>
public sealed class EventNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string prefix = wordToComplete.Trim('\'', '"');
        var results = new List<CompletionResult>();
        void Add(string value, string tooltip)
        {
            if (value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                results.Add(new CompletionResult(value, value, CompletionResultType.ParameterValue, tooltip));
        }
        foreach (var g in Counting.GenericEvents.All)
        {
            Add(g.Name, g.Description);
            foreach (string a in g.Aliases) Add(a, $"{g.Description} (alias of {g.Name})");
        }
        try
        {
            foreach (EventInfo e in Counting.EventCatalog.Pmu()) Add(e.Name, e.Description);
            if (Counting.Tracefs.Locate() is string tracefs)
            {
                int colon = prefix.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    foreach (EventInfo e in Counting.EventCatalog.Tracepoints(tracefs, prefix[..colon])) Add(e.Name, e.Description);
                }
                else if (prefix.Length > 0)
                {
                    foreach (string sys in Counting.EventCatalog.TracepointSubsystems(tracefs)) Add(sys + ":", $"Tracepoints of {sys}");
                }
            }
        }
        catch (Errors.PerfSecurityException) { }
        return results;
    }
}

/// <summary>Completes the ids of this runspace's counter sessions.</summary>
public sealed class CounterSessionIdCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values()
        => CounterSessionRegistry.Current.All.Select(s => (s.Id.ToString(CultureInfo.InvariantCulture), $"{s.Name}: {s.Target} [{string.Join(", ", s.Events)}]"));
}

/// <summary>Completes the names of this runspace's counter sessions.</summary>
public sealed class CounterSessionNameCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values()
        => CounterSessionRegistry.Current.All.Select(s => (s.Name, $"#{s.Id}: {s.Target} [{string.Join(", ", s.Events)}]"));
}

/// <summary>Completes the group names in /etc/group (for -Name and -Group of the perf users group cmdlets).</summary>
public sealed class PerfUsersGroupNameCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values()
    {
        string text = IO.BoundedFile.TryReadAllText("/etc/group", IO.BoundedFile.AccountDatabaseLimit) ?? "";
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = line.Split(':');
            if (f.Length > 2 && !line.StartsWith('#')) yield return (f[0], $"gid {f[2]}");
        }
    }
}
