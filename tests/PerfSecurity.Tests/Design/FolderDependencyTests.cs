#if NET10_0_OR_GREATER // Roslyn and PowerShell come with Microsoft.PowerShell.SDK, which the net8.0 run lacks.
using System.Text;
using Xunit;
using Xunit.Abstractions;

namespace PerfSecurity.Tests.Design;

/// <summary>
/// The folders of src/PerfSecurity form layers: no folder depends, even through others, on a folder that depends on
/// it, and docs/design.md shows the graph the code has. A change that adds an edge updates the page; one that closes a
/// cycle is refused with the cycle named.
/// </summary>
public sealed class FolderDependencyTests
{
    private const string Begin = "<!-- folder-graph:begin -->";
    private const string End = "<!-- folder-graph:end -->";

    private readonly ITestOutputHelper _output;

    public FolderDependencyTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void The_folders_depend_on_each_other_without_a_cycle()
    {
        var graph = SourceModel.Current.FolderDependencies();
        var cycles = StronglyConnected(graph).Where(c => c.Count > 1).ToList();
        Assert.True(cycles.Count == 0, "Folders that depend on each other: " + string.Join("; ", cycles.Select(c => Describe(graph, c))));
    }

    [Fact]
    public void Cmdlets_never_call_the_native_layer()
    {
        // Commands hold parameters, ShouldProcess and output: a system call belongs to a domain folder, which maps its errno.
        var graph = SourceModel.Current.FolderDependencies();
        Assert.DoesNotContain("Native", graph["Commands"]);
    }

    [Fact]
    public void The_design_page_shows_the_graph_the_code_has()
    {
        string expected = Render(SourceModel.Current.FolderDependencies());
        string page = File.ReadAllText(Path.Combine(SourceModel.Current.RepositoryRoot, "docs", "design.md"));
        int begin = page.IndexOf(Begin, StringComparison.Ordinal), end = page.IndexOf(End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"docs/design.md has no {Begin} … {End} block");
        string shown = page[(begin + Begin.Length)..end].Trim();
        _output.WriteLine(expected);
        Assert.True(Normalize(shown) == Normalize(expected), "docs/design.md shows another graph than the code has. The code's:\n" + expected);
    }

    /// <summary>The graph as the page shows it: a fenced block, one line per folder, lowest layer first.</summary>
    internal static string Render(IReadOnlyDictionary<string, SortedSet<string>> graph)
    {
        var sb = new StringBuilder("```\n");
        foreach (string folder in Layered(graph))
        {
            var uses = graph.TryGetValue(folder, out var e) ? e : new SortedSet<string>();
            sb.Append(folder.PadRight(13)).Append("-> ").Append(uses.Count == 0 ? "(nothing)" : string.Join(", ", uses)).Append('\n');
        }
        return sb.Append("```").ToString();
    }

    /// <summary>Folders in layer order: each after every folder it depends on (by name within a layer).</summary>
    private static List<string> Layered(IReadOnlyDictionary<string, SortedSet<string>> graph)
    {
        var all = new SortedSet<string>(graph.Keys.Concat(graph.Values.SelectMany(v => v)), StringComparer.Ordinal);
        var depth = new Dictionary<string, int>();
        int Depth(string f, HashSet<string> seen)
        {
            if (depth.TryGetValue(f, out int d)) return d;
            if (!seen.Add(f)) return 0; // a cycle: the other test names it
            int result = graph.TryGetValue(f, out var uses) && uses.Count > 0 ? uses.Max(u => Depth(u, seen)) + 1 : 0;
            seen.Remove(f);
            return depth[f] = result;
        }
        return all.OrderBy(f => Depth(f, new HashSet<string>())).ThenBy(f => f, StringComparer.Ordinal).ToList();
    }

    private static string Normalize(string text) => string.Join('\n', text.Split('\n').Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))));

    private static string Describe(IReadOnlyDictionary<string, SortedSet<string>> graph, IReadOnlyCollection<string> component)
        => string.Join(", ", component.SelectMany(f => graph[f].Where(component.Contains).Select(t => $"{f} -> {t}")));

    /// <summary>Tarjan's strongly connected components.</summary>
    private static List<List<string>> StronglyConnected(IReadOnlyDictionary<string, SortedSet<string>> graph)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<List<string>>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (string w in graph.TryGetValue(v, out var e) ? e : Enumerable.Empty<string>())
            {
                if (!index.TryGetValue(w, out int seen)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], seen);
            }
            if (low[v] != index[v]) return;
            var component = new List<string>();
            string x;
            do { x = stack.Pop(); onStack.Remove(x); component.Add(x); } while (x != v);
            result.Add(component);
        }
        foreach (string v in graph.Keys) if (!index.ContainsKey(v)) Visit(v);
        return result;
    }
}
#endif
