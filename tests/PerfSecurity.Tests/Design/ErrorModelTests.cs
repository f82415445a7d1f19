#if NET10_0_OR_GREATER // Roslyn and PowerShell come with Microsoft.PowerShell.SDK, which the net8.0 run lacks.
using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using PerfSecurity.Errors;
using PerfSecurity.Module;
using Xunit;
using Xunit.Abstractions;

namespace PerfSecurity.Tests.Design;

/// <summary>
/// The closed error model: every failure the module reports is a PerfSecurityException whose ErrorId is known from
/// the source, names one failure (one FailureKind wherever it is raised), and maps to a PowerShell ErrorCategory of
/// its own; cmdlets write no ErrorRecord of their own; nothing else is thrown but programming errors and the decoders'
/// InvalidDataException their callers map.
/// </summary>
public sealed partial class ErrorModelTests
{
    private readonly ITestOutputHelper _output;

    public ErrorModelTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Every_ErrorId_is_known_from_the_source_and_names_one_failure()
    {
        var sites = ErrorIdSites.Collect(SourceModel.Current);
        _output.WriteLine($"{sites.Count} places raise {sites.SelectMany(s => s.Ids).Distinct().Count()} ErrorIds");
        var unknown = sites.Where(s => s.Ids.Count == 0).Select(s => s.Where).ToList();
        Assert.True(unknown.Count == 0, "ErrorIds that cannot be told from the source: " + string.Join("; ", unknown));

        var badNames = sites.SelectMany(s => s.Ids).Distinct().Where(id => !IdPattern().IsMatch(id)).ToList();
        Assert.True(badNames.Count == 0, "ErrorIds not of the form Perf<Area><Failure>: " + string.Join(", ", badNames));

        // The same ErrorId with two kinds would be two failures under one name.
        var kinds = sites.Where(s => s.Kind is not null).SelectMany(s => s.Ids.Select(id => (Id: id, s.Kind, s.Where)))
            .GroupBy(x => x.Id).Where(g => g.Select(x => x.Kind).Distinct().Count() > 1).ToList();
        Assert.True(kinds.Count == 0, "ErrorIds raised with more than one FailureKind: "
            + string.Join("; ", kinds.Select(g => $"{g.Key}: " + string.Join(", ", g.Select(x => $"{x.Kind} at {x.Where}")))));

        // Two spellings of one id (case) would split what a script filters on.
        var spellings = sites.SelectMany(s => s.Ids).Distinct().GroupBy(id => id, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).ToList();
        Assert.True(spellings.Count == 0, "ErrorIds that differ only in case: " + string.Join("; ", spellings.Select(g => string.Join(" / ", g))));
    }

    [Fact]
    public void Every_failure_kind_maps_to_the_ErrorCategory_of_its_name()
    {
        var categoryOf = typeof(PerfCmdlet).GetMethod("CategoryOf", BindingFlags.NonPublic | BindingFlags.Static)!;
        foreach (FailureKind kind in Enum.GetValues<FailureKind>())
        {
            var category = (ErrorCategory)categoryOf.Invoke(null, new object[] { kind })!;
            Assert.NotEqual(ErrorCategory.NotSpecified, category);
            Assert.Equal(kind.ToString(), category.ToString());
        }
    }

    [Fact]
    public void Cmdlets_write_no_ErrorRecord_of_their_own()
    {
        var model = SourceModel.Current;
        var raw = new List<string>();
        foreach (SyntaxTree tree in model.Files)
        {
            if (model.FolderOf(tree.FilePath) is not ("Commands" or "Module")) continue;
            foreach (var created in tree.GetRoot().DescendantNodes().OfType<BaseObjectCreationExpressionSyntax>())
            {
                if (model.ModelOf(tree).GetTypeInfo(created).Type?.Name != nameof(ErrorRecord)) continue;
                if (created.FirstAncestorOrSelf<MethodDeclarationSyntax>()?.Identifier.Text == "ToErrorRecord") continue;
                raw.Add(Where(created));
            }
        }
        Assert.True(raw.Count == 0, "ErrorRecords made outside PerfCmdlet.ToErrorRecord (use WriteFailure/ThrowFailure): " + string.Join("; ", raw));
    }

    /// <summary>Exceptions besides PerfSecurityException, where they may be thrown, and why that is no failure a user sees.</summary>
    private static readonly Dictionary<string, string[]> OtherExceptions = new(StringComparer.Ordinal)
    {
        // errno from a system call: the domain folders map it to a PerfSecurityException with their ErrorId.
        ["SystemCallException"] = new[] { "Native", "IO" },
        // The decoders of seccomp filters and counter reads; SeccompReader and CounterSet map them.
        ["InvalidDataException"] = new[] { "Seccomp", "Native" },
        // Programming errors and Stream members a read-only stream does not support.
        ["ArgumentException"] = new[] { "*" },
        ["ArgumentOutOfRangeException"] = new[] { "*" },
        ["InvalidOperationException"] = new[] { "*" },
        ["NotSupportedException"] = new[] { "IO" },
        ["PlatformNotSupportedException"] = new[] { "Native" },
        // How a parameter's transformation attribute refuses a value: PowerShell makes it a parameter binding error.
        ["ArgumentTransformationMetadataException"] = new[] { "Module" },
    };

    [Fact]
    public void Nothing_else_is_thrown_where_a_user_would_see_it()
    {
        var model = SourceModel.Current;
        var bad = new List<string>();
        foreach (SyntaxTree tree in model.Files)
        {
            string folder = model.FolderOf(tree.FilePath);
            foreach (var created in tree.GetRoot().DescendantNodes().OfType<ObjectCreationExpressionSyntax>())
            {
                if (created.Parent is not (ThrowStatementSyntax or ThrowExpressionSyntax)) continue;
                string? type = model.ModelOf(tree).GetTypeInfo(created).Type?.Name;
                if (type is null or nameof(PerfSecurityException)) continue;
                if (OtherExceptions.TryGetValue(type, out var folders) && (folders.Contains("*") || folders.Contains(folder))) continue;
                bad.Add($"{type} at {Where(created)}");
            }
        }
        Assert.True(bad.Count == 0, "Exceptions a cmdlet would pass on unmapped: " + string.Join("; ", bad));
    }

    internal static string Where(SyntaxNode node)
    {
        var span = node.GetLocation().GetLineSpan();
        return $"{Path.GetRelativePath(SourceModel.Current.Root, span.Path)}:{span.StartLinePosition.Line + 1}";
    }

    [GeneratedRegex("^Perf[A-Z][a-z]+[A-Za-z0-9]*$")]
    private static partial Regex IdPattern();
}

/// <summary>A place that raises a PerfSecurityException: the ErrorIds it can give and, when fixed, its FailureKind.</summary>
internal sealed record ErrorIdSite(string Where, IReadOnlyCollection<string> Ids, string? Kind);

/// <summary>
/// Finds every construction of PerfSecurityException (and every FromSystemCall) and works out from the source which
/// ErrorIds its first argument can be: constants, conditionals, concatenations, and values that flow in through a
/// parameter (from every call), a local, a property or field (from every assignment) or a method's return values. A
/// re-raise that keeps the caught exception's ErrorId is no new id.
/// </summary>
internal static class ErrorIdSites
{
    public static List<ErrorIdSite> Collect(SourceModel model)
    {
        var result = new List<ErrorIdSite>();
        foreach (SyntaxTree tree in model.Files)
        {
            SemanticModel sm = model.ModelOf(tree);
            foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
            {
                ArgumentListSyntax? args = null;
                bool fromSystemCall = false;
                if (node is BaseObjectCreationExpressionSyntax created && sm.GetTypeInfo(created).Type?.Name == nameof(PerfSecurityException))
                    args = created.ArgumentList;
                else if (node is InvocationExpressionSyntax call && sm.GetSymbolInfo(call).Symbol is IMethodSymbol { Name: nameof(PerfSecurityException.FromSystemCall) } m
                         && m.ContainingType.Name == nameof(PerfSecurityException))
                {
                    args = call.ArgumentList;
                    fromSystemCall = true;
                }
                if (args is null || args.Arguments.Count == 0) continue;
                // FromSystemCall's own construction: its callers are the places that raise, each counted above.
                if (node.FirstAncestorOrSelf<ClassDeclarationSyntax>()?.Identifier.Text == nameof(PerfSecurityException)) continue;
                ExpressionSyntax id = args.Arguments[0].Expression;
                // new PerfSecurityException(e.ErrorId, …): the caught failure, raised again with more context.
                if (id is MemberAccessExpressionSyntax { Name.Identifier.Text: nameof(PerfSecurityException.ErrorId) }) continue;
                var values = new Evaluator(model).Values(id, sm, 0);
                string? kind = !fromSystemCall && args.Arguments.Count > 1 && args.Arguments[1].Expression is MemberAccessExpressionSyntax k
                    && sm.GetSymbolInfo(k).Symbol is IFieldSymbol { ContainingType.Name: nameof(FailureKind) } f ? f.Name : null;
                result.Add(new ErrorIdSite(ErrorModelTests.Where(node), values ?? (IReadOnlyCollection<string>)Array.Empty<string>(), kind));
            }
        }
        return result;
    }

    private sealed class Evaluator
    {
        private readonly SourceModel _model;
        private readonly HashSet<ISymbol> _visiting = new(SymbolEqualityComparer.Default);

        public Evaluator(SourceModel model) => _model = model;

        /// <summary>The strings the expression can be, or null when that cannot be told.</summary>
        public HashSet<string>? Values(ExpressionSyntax expression, SemanticModel sm, int depth)
        {
            if (depth > 8) return null;
            var constant = sm.GetConstantValue(expression);
            // null: no id on this path (an optional area left out).
            if (constant.HasValue) return constant.Value switch { string s => new HashSet<string> { s }, null => new HashSet<string>(), _ => null };
            switch (expression)
            {
                case ParenthesizedExpressionSyntax p:
                    return Values(p.Expression, sm, depth);
                case ConditionalExpressionSyntax c:
                    return Union(Values(c.WhenTrue, sm, depth + 1), Values(c.WhenFalse, sm, depth + 1));
                case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } add:
                    return Concat(Values(add.Left, sm, depth + 1), Values(add.Right, sm, depth + 1));
                case InterpolatedStringExpressionSyntax interpolated:
                {
                    HashSet<string>? acc = new() { "" };
                    foreach (var part in interpolated.Contents)
                        acc = Concat(acc, part is InterpolatedStringTextSyntax text ? new HashSet<string> { text.TextToken.ValueText }
                            : Values(((InterpolationSyntax)part).Expression, sm, depth + 1));
                    return acc;
                }
                case SwitchExpressionSyntax sw:
                {
                    HashSet<string>? acc = new();
                    foreach (var arm in sw.Arms) acc = Union(acc, Values(arm.Expression, sm, depth + 1));
                    return acc;
                }
                case InvocationExpressionSyntax call when sm.GetSymbolInfo(call).Symbol is IMethodSymbol method:
                    return FromReturns(method, depth);
            }
            ISymbol? symbol = sm.GetSymbolInfo(expression).Symbol;
            return symbol switch
            {
                IParameterSymbol parameter => FromCalls(parameter, depth),
                ILocalSymbol or IPropertySymbol or IFieldSymbol => FromAssignments(symbol, depth),
                _ => null,
            };
        }

        private HashSet<string>? Guarded(ISymbol symbol, Func<HashSet<string>?> work)
        {
            if (!_visiting.Add(symbol)) return new HashSet<string>(); // a value flowing round: nothing new on this path
            try { return work(); }
            finally { _visiting.Remove(symbol); }
        }

        private HashSet<string>? FromCalls(IParameterSymbol parameter, int depth) => Guarded(parameter, () =>
        {
            if (parameter.ContainingSymbol is not IMethodSymbol method) return null;
            HashSet<string>? acc = new();
            bool any = false;
            foreach (var (args, sm) in CallsOf(method))
            {
                any = true;
                ExpressionSyntax? arg = args.Arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.Text == parameter.Name)?.Expression
                    ?? (parameter.Ordinal < args.Arguments.Count && args.Arguments[parameter.Ordinal].NameColon is null ? args.Arguments[parameter.Ordinal].Expression : null);
                acc = Union(acc, arg is not null ? Values(arg, sm, depth + 1)
                    : !parameter.HasExplicitDefaultValue ? null
                    : parameter.ExplicitDefaultValue is string d ? new HashSet<string> { d } : new HashSet<string>());
            }
            return any ? acc : null;
        });

        private IEnumerable<(ArgumentListSyntax Args, SemanticModel Model)> CallsOf(IMethodSymbol method)
        {
            foreach (SyntaxTree tree in _model.Files)
            {
                SemanticModel sm = _model.ModelOf(tree);
                foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
                {
                    ArgumentListSyntax? args = node switch
                    {
                        InvocationExpressionSyntax i => i.ArgumentList,
                        BaseObjectCreationExpressionSyntax o => o.ArgumentList,
                        ConstructorInitializerSyntax c => c.ArgumentList,
                        _ => null,
                    };
                    if (args is null) continue;
                    if (sm.GetSymbolInfo(node).Symbol is IMethodSymbol called && SymbolEqualityComparer.Default.Equals(called.OriginalDefinition, method.OriginalDefinition))
                        yield return (args, sm);
                }
            }
        }

        private HashSet<string>? FromAssignments(ISymbol symbol, int depth) => Guarded(symbol, () =>
        {
            // A record's positional property is its primary constructor's parameter.
            if (symbol is IPropertySymbol && symbol.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is ParameterSyntax positional
                && _model.ModelOf(positional.SyntaxTree).GetDeclaredSymbol(positional) is IParameterSymbol parameter)
                return FromCalls(parameter, depth);
            HashSet<string>? acc = new();
            bool any = false;
            foreach (SyntaxReference reference in symbol.DeclaringSyntaxReferences)
            {
                SyntaxNode declaration = reference.GetSyntax();
                SemanticModel sm = _model.ModelOf(declaration.SyntaxTree);
                ExpressionSyntax? initial = declaration switch
                {
                    VariableDeclaratorSyntax v => v.Initializer?.Value,
                    PropertyDeclarationSyntax p => p.Initializer?.Value ?? p.ExpressionBody?.Expression,
                    _ => null,
                };
                if (initial is not null) { any = true; acc = Union(acc, Values(initial, sm, depth + 1)); }
            }
            foreach (SyntaxTree tree in _model.Files)
            {
                SemanticModel sm = _model.ModelOf(tree);
                foreach (var assignment in tree.GetRoot().DescendantNodes().OfType<AssignmentExpressionSyntax>())
                {
                    if (!SymbolEqualityComparer.Default.Equals(sm.GetSymbolInfo(assignment.Left).Symbol, symbol)) continue;
                    any = true;
                    acc = Union(acc, Values(assignment.Right, sm, depth + 1));
                }
            }
            return any ? acc : null;
        });

        private HashSet<string>? FromReturns(IMethodSymbol method, int depth) => Guarded(method, () =>
        {
            HashSet<string>? acc = new();
            bool any = false;
            foreach (SyntaxReference reference in method.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is not MethodDeclarationSyntax declaration) continue;
                SemanticModel sm = _model.ModelOf(declaration.SyntaxTree);
                var returned = declaration.ExpressionBody is { } body ? new[] { body.Expression }
                    : declaration.DescendantNodes().OfType<ReturnStatementSyntax>().Select(r => r.Expression).OfType<ExpressionSyntax>().ToArray();
                foreach (var e in returned) { any = true; acc = Union(acc, Values(e, sm, depth + 1)); }
            }
            return any ? acc : null;
        });

        private static HashSet<string>? Union(HashSet<string>? a, HashSet<string>? b)
        {
            if (a is null || b is null) return null;
            a.UnionWith(b);
            return a;
        }

        private static HashSet<string>? Concat(HashSet<string>? a, HashSet<string>? b)
            => a is null || b is null ? null : a.SelectMany(x => b.Select(y => x + y)).ToHashSet();
    }
}
#endif
