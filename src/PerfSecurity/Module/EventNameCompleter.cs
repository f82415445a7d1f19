using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PerfSecurity.Module;

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
