using PerfSecurity.Settings;

namespace PerfSecurity.Module;

/// <summary>Completes the perf-related sysctl names of this kernel.</summary>
public sealed class SysctlNameCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values()
        => Sysctl.PerfKeys().Select(k => (k, SysctlCatalog.Describe(k) is { Length: > 0 } d ? d : k));
}
