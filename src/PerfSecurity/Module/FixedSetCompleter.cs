using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

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
