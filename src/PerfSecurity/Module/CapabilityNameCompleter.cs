using PerfSecurity.Capabilities;

namespace PerfSecurity.Module;

/// <summary>Completes capability names, each with its meaning as tooltip.</summary>
public sealed class CapabilityNameCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values()
        => CapabilityTable.All().Select(c => (c.Name, $"{c.Number}: {c.Meaning}"));
}
