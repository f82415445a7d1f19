#if NET10_0_OR_GREATER // Roslyn and PowerShell come with Microsoft.PowerShell.SDK, which the net8.0 run lacks.
using System.Collections.Concurrent;
using System.Management.Automation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PerfSecurity.Tests.Design;

/// <summary>
/// The module's source, compiled here with Roslyn so that tests can ask what refers to what: every name in every
/// file bound to the symbol it means. Built once per test run (a few seconds).
/// </summary>
internal sealed class SourceModel
{
    private static readonly Lazy<SourceModel> Instance = new(() => new SourceModel(FindSourceRoot()));

    public static SourceModel Current => Instance.Value;

    private SourceModel(string root)
    {
        Root = root;
        var trees = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsBuildOutput(root, f))
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), new CSharpParseOptions(LanguageVersion.Preview), f))
            .ToList();
        // The module's implicit usings, as the SDK generates them for it.
        trees.Add(CSharpSyntaxTree.ParseText(
            "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; global using System.Threading; global using System.Threading.Tasks;",
            new CSharpParseOptions(LanguageVersion.Preview), Path.Combine(root, "obj", "ImplicitUsings.g.cs")));
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(PSCmdlet).Assembly.Location)
            .Append(typeof(Newtonsoft.Json.JsonConverter).Assembly.Location)
            .Distinct(StringComparer.Ordinal)
            .Select(p => MetadataReference.CreateFromFile(p));
        Compilation = CSharpCompilation.Create("PerfSecurity", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
        Files = trees.Where(t => !t.FilePath.Contains("/obj/", StringComparison.Ordinal)).ToList();
    }

    /// <summary>src/PerfSecurity.</summary>
    public string Root { get; }

    public CSharpCompilation Compilation { get; }

    /// <summary>The module's own files (not the generated usings).</summary>
    public IReadOnlyList<SyntaxTree> Files { get; }

    private readonly ConcurrentDictionary<SyntaxTree, SemanticModel> _models = new();

    public SemanticModel ModelOf(SyntaxTree tree) => _models.GetOrAdd(tree, t => Compilation.GetSemanticModel(t));

    /// <summary>The top folder of src/PerfSecurity a file is in (Audit, Native, …).</summary>
    public string FolderOf(string filePath)
    {
        string relative = Path.GetRelativePath(Root, filePath);
        int slash = relative.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? "." : relative[..slash];
    }

    /// <summary>
    /// Folder → the folders whose types, members or constants its files name (each name bound by the compiler, so a
    /// using directive alone is no dependency and a fully qualified name is one).
    /// </summary>
    public IReadOnlyDictionary<string, SortedSet<string>> FolderDependencies()
    {
        var graph = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (SyntaxTree tree in Files)
        {
            string from = FolderOf(tree.FilePath);
            if (!graph.TryGetValue(from, out var edges)) graph[from] = edges = new SortedSet<string>(StringComparer.Ordinal);
            SemanticModel model = ModelOf(tree);
            foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
            {
                ISymbol? symbol = node switch
                {
                    SimpleNameSyntax name when name.Parent is not UsingDirectiveSyntax and not QualifiedNameSyntax { Parent: UsingDirectiveSyntax } => Bound(model, name),
                    ImplicitObjectCreationExpressionSyntax created => model.GetTypeInfo(created).Type,
                    _ => null,
                };
                foreach (string to in DeclaringFolders(symbol))
                    if (to != from) edges.Add(to);
            }
        }
        return graph;
    }

    private static ISymbol? Bound(SemanticModel model, SimpleNameSyntax name)
    {
        var info = model.GetSymbolInfo(name);
        return info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
    }

    private IEnumerable<string> DeclaringFolders(ISymbol? symbol)
    {
        if (symbol is null or INamespaceSymbol) yield break;
        ISymbol declared = symbol is INamedTypeSymbol or ITypeParameterSymbol ? symbol.OriginalDefinition : (ISymbol?)symbol.ContainingType ?? symbol;
        if (declared is IMethodSymbol { ReducedFrom: { } reduced }) declared = reduced.ContainingType;
        foreach (Location location in declared.OriginalDefinition.Locations)
        {
            if (location.IsInSource && location.SourceTree is { } t && Files.Contains(t)) yield return FolderOf(t.FilePath);
        }
    }

    private static bool IsBuildOutput(string root, string file)
    {
        string relative = Path.GetRelativePath(root, file);
        return relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal);
    }

    private static string FindSourceRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "src", "PerfSecurity");
            if (File.Exists(Path.Combine(candidate, "PerfSecurity.csproj"))) return candidate;
        }
        throw new DirectoryNotFoundException($"src/PerfSecurity is not above {AppContext.BaseDirectory}: these tests read the module's source.");
    }

    /// <summary>The repository root (above src/).</summary>
    public string RepositoryRoot => Path.GetFullPath(Path.Combine(Root, "..", ".."));
}
#endif
