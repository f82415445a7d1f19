namespace PerfSecurity.Module;

/// <summary>Completes the names of this runspace's counter sessions.</summary>
public sealed class CounterSessionNameCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values()
        => CounterSessionRegistry.Current.All.Select(s => (s.Name, $"#{s.Id}: {s.Target} [{string.Join(", ", s.Events)}]"));
}
