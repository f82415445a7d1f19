using System.Globalization;

namespace PerfSecurity.Module;

/// <summary>Completes group names (for -Name and -Group of the perf users group cmdlets): every group NSS enumerates.</summary>
public sealed class PerfUsersGroupNameCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values()
        => Users.AccountDatabase.Load().Groups.Select(g => (g.Name, $"gid {g.Gid.ToString(CultureInfo.InvariantCulture)}"));
}
