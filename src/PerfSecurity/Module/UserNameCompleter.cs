using System.Globalization;

namespace PerfSecurity.Module;

/// <summary>Completes user names: every user NSS enumerates (local files, and directory services that enumerate).</summary>
public sealed class UserNameCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values()
        => Users.AccountDatabase.Load().Users.Select(u => (u.Name, $"uid {u.Uid.ToString(CultureInfo.InvariantCulture)}"));
}
