using System.Management.Automation;

namespace PerfSecurity.Module;

/// <summary>
/// The names given to a -Name parameter, as Get-Process takes them: a name with wildcard characters is a pattern that
/// matches ignoring case and may match nothing; a literal name (escapes removed) must match something, and the names
/// that did not are reported by the cmdlet with its own ErrorId. One filter serves one ProcessRecord.
/// </summary>
public sealed class NameFilter
{
    private readonly string[] _names;
    private readonly WildcardPattern?[] _patterns;
    private readonly string[] _literals;
    private readonly bool[] _matched;
    private readonly StringComparison _literalComparison;

    /// <param name="names">The names as given.</param>
    /// <param name="literalComparison">How a literal name is compared: ignoring case (sysctl keys, process names) or exactly (event strings, whose case matters).</param>
    public NameFilter(IReadOnlyList<string> names, StringComparison literalComparison = StringComparison.OrdinalIgnoreCase)
    {
        _names = names.ToArray();
        _patterns = _names.Select(n => WildcardPattern.ContainsWildcardCharacters(n) ? new WildcardPattern(n, WildcardOptions.IgnoreCase) : null).ToArray();
        _literals = _names.Select(WildcardPattern.Unescape).ToArray();
        _matched = new bool[_names.Length];
        _literalComparison = literalComparison;
    }

    /// <summary>Whether some name is a pattern.</summary>
    public bool HasPatterns => _patterns.Any(p => p is not null);

    /// <summary>The given names, in order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Whether <paramref name="name"/> (or one of its <paramref name="aliases"/>) matches a given name; every name it matches counts as found.</summary>
    public bool Matches(string name, IEnumerable<string>? aliases = null)
    {
        bool any = false;
        for (int i = 0; i < _names.Length; i++)
        {
            bool hit = Hit(i, name) || (aliases is not null && aliases.Any(a => Hit(i, a)));
            if (hit) { _matched[i] = true; any = true; }
        }
        return any;
    }

    private bool Hit(int i, string candidate)
        => _patterns[i] is WildcardPattern p ? p.IsMatch(candidate) : string.Equals(_literals[i], candidate, _literalComparison);

    /// <summary>The literal names (escapes removed) that matched nothing so far, each once.</summary>
    public IEnumerable<string> Unmatched
        => Enumerable.Range(0, _names.Length).Where(i => !_matched[i] && _patterns[i] is null).Select(i => _literals[i])
            .Distinct(StringComparer.FromComparison(_literalComparison));
}
