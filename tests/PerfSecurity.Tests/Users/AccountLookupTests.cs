#if NET10_0_OR_GREATER // Roslyn and PowerShell come with Microsoft.PowerShell.SDK, which the net8.0 run lacks.
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using PerfSecurity.Module;
using PerfSecurity.Users;
using Xunit;

namespace PerfSecurity.Tests.Users;

/// <summary>
/// Every part of the module that names accounts asks NSS the way getent does: the account database, the name caches,
/// the user and group completers and a login's groups (as id -G prints them) agree with getent on this host.
/// </summary>
public sealed class AccountLookupTests
{
    private static List<string[]> Getent(string database)
    {
        var psi = new ProcessStartInfo("getent", database) { RedirectStandardOutput = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        string text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(':')).ToList();
    }

    private static uint Id(string text) => uint.Parse(text, CultureInfo.InvariantCulture);

    private static IEnumerable<string> Completions(IArgumentCompleter completer)
        => completer.CompleteArgument("x", "x", "", null!, new System.Collections.Hashtable()).Select(c => c.CompletionText);

    [Fact]
    public void Users_resolve_as_getent_passwd_gives_them()
    {
        var passwd = Getent("passwd");
        var database = AccountDatabase.Load();
        var byUid = passwd.GroupBy(f => Id(f[2])).ToDictionary(g => g.Key, g => g.First()[0]);
        Assert.Equal(byUid.OrderBy(u => u.Key).Select(u => (u.Key, u.Value)), database.Users);
        foreach (var (uid, name) in byUid)
        {
            Assert.Equal(name, database.UserName(uid));
            Assert.Equal(name, UserNames.Of(uid));
        }
        Assert.Equal(passwd.Select(f => f[0]).Distinct().Order(StringComparer.Ordinal), Completions(new UserNameCompleter()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Groups_resolve_as_getent_group_gives_them()
    {
        var group = Getent("group");
        var database = AccountDatabase.Load();
        foreach (var g in group.GroupBy(f => Id(f[2])).Select(g => g.First()))
        {
            Assert.Equal(g[0], database.GroupName(Id(g[2])));
            Assert.Equal(g[0], GroupNames.Of(Id(g[2])));
        }
        Assert.Equal(group.Select(f => f[0]).Distinct().Order(StringComparer.Ordinal), Completions(new PerfUsersGroupNameCompleter()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_login_gets_the_groups_id_lists()
    {
        var database = AccountDatabase.Load();
        foreach (var user in Getent("passwd").Take(5))
        {
            var psi = new ProcessStartInfo("id", new[] { "-G", user[0] }) { RedirectStandardOutput = true, UseShellExecute = false };
            using var p = Process.Start(psi)!;
            var expected = p.StandardOutput.ReadToEnd().Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Id).Order();
            p.WaitForExit();
            Assert.Equal(expected, database.GroupsOf(Id(user[2])));
        }
    }
}
#endif
