using System.Management.Automation;
using PerfSecurity.Errors;

namespace PerfSecurity.Module;

/// <summary>Base of the cmdlets that pick counter sessions of this runspace by object, id or name.</summary>
public abstract class CounterSessionCmdlet : PerfCmdlet
{
    protected const string ByIdSet = "Id", ByNameSet = "Name", BySessionSet = "Session";

    [Parameter(ParameterSetName = BySessionSet, Mandatory = true, ValueFromPipeline = true)]
    public CounterSession[] Session { get; set; } = Array.Empty<CounterSession>();

    [Parameter(ParameterSetName = ByIdSet, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(CounterSessionIdCompleter))]
    [Alias("SessionId")]
    public int[]? Id { get; set; }

    [Parameter(ParameterSetName = ByNameSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(CounterSessionNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>The chosen sessions; each id or name without a match is reported as an error.</summary>
    protected IEnumerable<CounterSession> ResolveSessions()
    {
        IReadOnlyList<CounterSession> all = CounterSessionRegistry.Current.All;
        var chosen = new List<CounterSession>();
        switch (ParameterSetName)
        {
            case BySessionSet:
                foreach (CounterSession s in Session)
                {
                    CounterSession? live = all.FirstOrDefault(a => a.Id == s.Id);
                    if (live is null) WriteFailure(NotFound($"Counter session {s.Id} ('{s.Name}') is not open in this runspace (already stopped?).", s.Id));
                    else chosen.Add(live);
                }
                break;
            case ByNameSet:
                foreach (string n in Name)
                {
                    var pattern = new WildcardPattern(n, WildcardOptions.IgnoreCase);
                    var matches = all.Where(s => pattern.IsMatch(s.Name)).ToList();
                    if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(n))
                        WriteFailure(NotFound($"There is no counter session named '{n}' in this runspace. Get-PerfCounterSession lists them.", n));
                    chosen.AddRange(matches);
                }
                break;
            default:
                if (Id is null) { chosen.AddRange(all); break; }
                foreach (int i in Id)
                {
                    CounterSession? s = all.FirstOrDefault(a => a.Id == i);
                    if (s is null) WriteFailure(NotFound($"There is no counter session {i} in this runspace. Get-PerfCounterSession lists them.", i));
                    else chosen.Add(s);
                }
                break;
        }
        return chosen.Distinct();
    }

    private static PerfSecurityException NotFound(string message, object target)
        => new("PerfCounterSessionNotFound", FailureKind.ObjectNotFound, message, target);
}
