using System.Management.Automation;
using System.Management.Automation.Language;

namespace PerfSecurity.Module;

/// <summary>
/// Recovers how a parameter's argument was written on the command line. PowerShell turns a typed
/// 0000004000000000 into the number 4000000000 and keeps no text for the items of a list (0x40, 0x80),
/// so a cmdlet that reads numbers the way another tool reads its argument needs the source text.
/// </summary>
internal static class LiteralArguments
{
    // Common parameters that take a value (the next element, unless written -Name:value), with their aliases.
    private static readonly HashSet<string> ValueParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "ErrorAction", "ea", "WarningAction", "wa", "InformationAction", "infa", "ProgressAction", "proga",
        "ErrorVariable", "ev", "WarningVariable", "wv", "InformationVariable", "iv", "OutVariable", "ov",
        "OutBuffer", "ob", "PipelineVariable", "pv",
    };

    private static readonly System.Reflection.PropertyInfo? StatementProperty = typeof(InvocationInfo).GetProperty("Statement");

    /// <summary>
    /// For each item of the argument given to the parameter <paramref name="names"/> (its name and aliases;
    /// it must be the command's only positional parameter), the source text when the item is a number typed as
    /// a literal, else null. Null when the statement cannot be read or the argument is not a literal list.
    /// </summary>
    public static string?[]? NumberTexts(InvocationInfo invocation, IReadOnlyCollection<string> names)
    {
        // InvocationInfo.Statement (the whole statement, over several lines) is newer than the reference assemblies.
        string? statement;
        try { statement = StatementProperty?.GetValue(invocation) as string; }
        catch (System.Reflection.TargetInvocationException) { return null; }
        if (string.IsNullOrEmpty(statement)) return null;

        var ast = Parser.ParseInput(statement, out _, out ParseError[] errors);
        if (errors.Length > 0) return null;
        if (ast.Find(a => a is PipelineAst, searchNestedScriptBlocks: false) is not PipelineAst pipeline) return null;
        int position = invocation.PipelinePosition - 1;
        if (position < 0 || position >= pipeline.PipelineElements.Count
            || pipeline.PipelineElements[position] is not CommandAst command
            || !string.Equals(command.GetCommandName(), invocation.InvocationName, StringComparison.OrdinalIgnoreCase))
            return null;

        ExpressionAst? argument = null;
        var elements = command.CommandElements;
        for (int i = 1; i < elements.Count && argument is null; i++)
        {
            if (elements[i] is CommandParameterAst p)
            {
                bool ours = names.Any(n => n.StartsWith(p.ParameterName, StringComparison.OrdinalIgnoreCase));
                ExpressionAst? value = p.Argument ?? (i + 1 < elements.Count ? elements[i + 1] as ExpressionAst : null);
                if (ours) argument = value;
                else if (p.Argument is null && ValueParameters.Contains(p.ParameterName)) i++;
            }
            else if (elements[i] is ExpressionAst positional)
            {
                argument = positional;
            }
        }

        IEnumerable<ExpressionAst>? items = argument switch
        {
            ArrayLiteralAst list => list.Elements,
            ExpressionAst single => new[] { single },
            _ => null,
        };
        return items?.Select(e => e is ConstantExpressionAst c and not StringConstantExpressionAst && c.Value is not string ? e.Extent.Text : null).ToArray();
    }
}
