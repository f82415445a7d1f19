using System.Globalization;

namespace PerfSecurity.Module;

/// <summary>Completes the ids of this runspace's counter sessions.</summary>
public sealed class CounterSessionIdCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values()
        => CounterSessionRegistry.Current.All.Select(s => (s.Id.ToString(CultureInfo.InvariantCulture), $"{s.Name}: {s.Target} [{string.Join(", ", s.Events)}]"));
}
