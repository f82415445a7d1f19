using PerfSecurity.Audit;
using Xunit;

namespace PerfSecurity.Tests.Audit;

public sealed class SudoersRuleTests
{
    [Fact]
    public void Capsh_granted_to_all_is_reported_with_every_problem()
    {
        var rules = SudoersRule.Parse("# comment\nDefaults env_reset\nALL ALL=(root) NOPASSWD: /usr/sbin/capsh\nroot ALL=(ALL:ALL) ALL\n", "/etc/sudoers.d/x").ToList();
        var rule = Assert.Single(rules);
        Assert.Equal(3, rule.Line);
        Assert.Equal(new[] { "/usr/sbin/capsh" }, rule.Commands);
        var problems = rule.Problems().ToList();
        Assert.Contains(problems, p => p.Contains("ALL users"));
        Assert.Contains(problems, p => p.Contains("runs capsh directly"));
    }

    [Fact]
    public void Group_rule_for_a_root_owned_capsh_script_has_no_problem()
    {
        // A directory only root can change: under /tmp the script itself would be the problem (see below).
        string dir = Directory.CreateDirectory($"/opt/pstsudo-{Guid.NewGuid():N}").FullName;
        File.SetUnixFileMode(dir, (UnixFileMode)0x1ED);
        try
        {
            string script = Path.Combine(dir, "perf.shell");
            File.WriteAllText(script, "exec /usr/sbin/capsh --iab=^cap_perfmon --secbits=239 --user=$SUDO_USER -- -l\n");
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            var rule = Assert.Single(SudoersRule.Parse($"%perf_users    ALL={script}\n", "s"));
            Assert.Equal(script, rule.Script);
            Assert.Equal(new[] { "perf_users" }, rule.Groups);
            // The script is ours: root-owned when the tests run as root (no problem), else owned by us (exactly that problem).
            if (PerfSecurity.Groups.Privilege.IsRoot) Assert.Empty(rule.Problems());
            else Assert.Equal($"its script {script} can be changed by others than root (owner {PerfSecurity.Native.FileSystem.GetEffectiveUserId()}, mode 0755)", Assert.Single(rule.Problems()));
            Assert.Empty(SudoersRule.Parse("%perf_users ALL=/usr/bin/true\n", "s")); // not a capability shell
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("/tmp", "temporary directory")]
    [InlineData("/home", "home directory")]
    public void A_script_where_users_write_is_a_problem_even_when_root_owns_it(string parent, string said)
    {
        string dir = Directory.CreateDirectory(Path.Combine(parent, $"pstsudo-{Guid.NewGuid():N}")).FullName;
        File.SetUnixFileMode(dir, (UnixFileMode)0x1ED);
        try
        {
            string script = Path.Combine(dir, "perf.shell");
            File.WriteAllText(script, "exec /usr/sbin/capsh --iab=^cap_perfmon --secbits=239 --user=$SUDO_USER -- -l\n");
            File.SetUnixFileMode(script, (UnixFileMode)0x1ED);
            var rule = Assert.Single(SudoersRule.Parse($"%perf_users ALL={script}\n", "s"));
            Assert.Contains(rule.Problems(), p => p.Contains("can be changed by others than root") && p.Contains(said));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Continued_lines_and_wildcards()
    {
        var rule = Assert.Single(SudoersRule.Parse("%perf_users ALL= \\\n  /usr/sbin/capsh *\n", "s"));
        Assert.Contains(rule.Problems(), p => p.Contains("wildcard") || p.Contains("capsh directly"));
    }
}
