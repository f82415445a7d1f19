using System.Globalization;
using PerfSecurity.Settings;

namespace PerfSecurity.Module;

public sealed class ParanoidLevelCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values()
    {
        var flavor = KernelInfo.Current.Flavor;
        for (int level = ParanoidLevel.Minimum; level <= ParanoidLevel.Maximum; level++)
            yield return (level.ToString(CultureInfo.InvariantCulture), ParanoidLevel.Describe(level, flavor));
    }
}
