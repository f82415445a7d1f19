using System.Management.Automation.Language;
using System.Reflection;
using PerfSecurity.Audit;
using PerfSecurity.Capabilities;
using PerfSecurity.Text;
using Xunit;

namespace PerfSecurity.Tests.Audit;

/// <summary>
/// Every command line the module recommends, built with hostile values and read back by the PowerShell parser:
/// each must be the intended commands with exactly the intended arguments, on one line, with nothing to expand.
/// </summary>
public sealed class RemediationTests
{
    /// <summary>Paths an attacker can give a program, a file or a sudoers rule.</summary>
    public static readonly string[] Hostile =
    {
        "x;New-Item\t/tmp/pwned;#",
        "/opt/it's/perf",
        "/tmp/$(New-Item /tmp/pwned)",
        "/tmp/${env:HOME}/$HOME/@(1)/{x}",
        "/tmp/`whoami`/a`\"b",
        "/tmp/a\nNew-Item /tmp/pwned",
        "/tmp/a\r\nNew-Item /tmp/pwned #",
        "/tmp/\u001b]0;owned\u0007\u001b[2J\u009b31m",
        "/tmp/\u2018smart\u2019 \u201Adouble\u201B \u201Cq\u201D \u201Eq",
        "/tmp/a\u202Efdp.exe\u2066x\u2069",
        "-Path",
        "--% /tmp/stop-parsing",
        "/tmp/a' ; New-Item /tmp/pwned ; '",
    };

    public static IEnumerable<object[]> HostileValues => Hostile.Select(h => new object[] { h });

    /// <summary>A command as the parser sees it: its name and its elements (-Parameter or the argument's value).</summary>
    private sealed record Command(string Name, params string[] Elements)
    {
        public override string ToString() => Name + " " + string.Join(" | ", Elements);
        public bool Same(Command other) => Name == other.Name && Elements.SequenceEqual(other.Elements);
    }

    /// <summary>Statements of pipelines of commands; anything that would run or expand something else fails the test.</summary>
    private static List<List<Command>> Parse(string line)
    {
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain('\r', line);
        Assert.False(DisplayText.HasUnsafe(line), $"unsafe characters in: {line}");
        ScriptBlockAst ast = Parser.ParseInput(line, out Token[] _, out ParseError[] errors);
        Assert.True(errors.Length == 0, $"{line}: {string.Join("; ", errors.Select(e => e.Message))}");
        Assert.Null(ast.ParamBlock);
        Assert.Null(ast.BeginBlock);
        Assert.Null(ast.ProcessBlock);
        var result = new List<List<Command>>();
        foreach (StatementAst statement in ast.EndBlock.Statements)
        {
            var pipeline = Assert.IsType<PipelineAst>(statement);
            var commands = new List<Command>();
            foreach (CommandBaseAst element in pipeline.PipelineElements)
            {
                var command = Assert.IsType<CommandAst>(element);
                Assert.Empty(command.Redirections);
                Assert.Equal(TokenKind.Unknown, command.InvocationOperator);
                string name = command.GetCommandName() ?? throw new Xunit.Sdk.XunitException($"no command name in {line}");
                var parts = new List<string>();
                foreach (CommandElementAst part in command.CommandElements.Skip(1))
                {
                    parts.Add(part switch
                    {
                        CommandParameterAst p when p.Argument is null => "-" + p.ParameterName,
                        StringConstantExpressionAst s => s.Value,
                        ExpandableStringExpressionAst e when e.NestedExpressions.Count == 0 => e.Value,
                        ConstantExpressionAst n => Convert.ToString(n.Value, System.Globalization.CultureInfo.InvariantCulture)!,
                        // A list of capability names: bare words separated by commas.
                        ArrayLiteralAst a when a.Elements.All(x => x is StringConstantExpressionAst { StringConstantType: StringConstantType.BareWord })
                            => string.Join(",", a.Elements.Cast<StringConstantExpressionAst>().Select(x => x.Value)),
                        _ => throw new Xunit.Sdk.XunitException($"'{part.Extent.Text}' ({part.GetType().Name}) is not a plain argument in: {line}"),
                    });
                }
                commands.Add(new Command(name, parts.ToArray()));
            }
            result.Add(commands);
        }
        return result;
    }

    private static void AssertCommands(string line, params Command[][] expected)
    {
        var actual = Parse(line);
        Assert.True(actual.Count == expected.Length, $"{expected.Length} statement(s) expected in: {line}");
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(actual[i].Count == expected[i].Length, $"{expected[i].Length} command(s) expected in statement {i + 1} of: {line}");
            for (int j = 0; j < expected[i].Length; j++)
                Assert.True(actual[i][j].Same(expected[i][j]), $"expected {expected[i][j]}, parsed {actual[i][j]} from: {line}");
        }
    }

    private static Command[] One(string name, params string[] elements) => new[] { new Command(name, elements) };

    private static Command[] Repair(string id, bool force, params string[] elements)
        => One("Repair-PerfSecurityFinding", new[] { id }.Concat(elements).Concat(force ? new[] { "-Force" } : Array.Empty<string>()).ToArray());

    private static readonly HashSet<string> Covered = new();

    private static string Built(string method, string line)
    {
        lock (Covered) Covered.Add(method);
        return line;
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void Every_builder_keeps_a_hostile_value_one_argument(string h)
    {
        AssertCommands(Built(nameof(Remediations.GrantPerfmon), Remediations.GrantPerfmon(h)),
            One("Set-PerfCapability", "-LiteralPath", h, "-Capability", "cap_perfmon"));
        AssertCommands(Built(nameof(Remediations.SetCapabilities), Remediations.SetCapabilities(h, CapabilitySet.Of(CapabilityTable.Perfmon, CapabilityTable.SysPtrace))),
            One("Set-PerfCapability", "-LiteralPath", h, "-Capability", "cap_sys_ptrace,cap_perfmon", "-Flag", "ep"));
        AssertCommands(Remediations.SetCapabilities(h, CapabilitySet.Empty), One("Remove-PerfCapability", "-LiteralPath", h));
        AssertCommands(Built(nameof(Remediations.RemoveCapabilities), Remediations.RemoveCapabilities(h, "then " + h)),
            One("Remove-PerfCapability", "-LiteralPath", h));
        AssertCommands(Built(nameof(Remediations.MoveCapabilities), Remediations.MoveCapabilities(h, h + "2", h)),
            One("Remove-PerfCapability", "-LiteralPath", h), One("Set-PerfCapability", "-LiteralPath", h + "2", "-Text", h));
        AssertCommands(Remediations.MoveCapabilities(h, null, "cap_perfmon=ep"), One("Remove-PerfCapability", "-LiteralPath", h));
        AssertCommands(Built(nameof(Remediations.NewPerfUsersGroup), Remediations.NewPerfUsersGroup(h, note: h)), One("New-PerfUsersGroup", "-Path", h));
        AssertCommands(Remediations.NewPerfUsersGroup(h, h + "g", grantAcl: true), One("New-PerfUsersGroup", "-Name", h + "g", "-Path", h, "-Grant", "Acl"));
        AssertCommands(Built(nameof(Remediations.RepairFromAudit), Remediations.RepairFromAudit("PERF-BINARY-WRITABLE", path: h, note: h)),
            Repair("PERF-BINARY-WRITABLE", false, "-Target", h));
        AssertCommands(Remediations.RepairFromAudit("PERF-DATA-READABLE", AuditProfile.Kspp, dataPath: h, force: true),
            Repair("PERF-DATA-READABLE", true, "-Profile", "Kspp", "-Target", h));
        AssertCommands(Built(nameof(Remediations.SetParanoidEverywhere), Remediations.SetParanoidEverywhere("PERF-PARANOID-PERSISTED", new[] { (h, 3), ("/etc/sysctl.conf", 12) })),
            Repair("PERF-PARANOID-PERSISTED", true, "-Profile", "Scap"));
        AssertCommands(Built(nameof(Remediations.ReplaceCapabilityShell), Remediations.ReplaceCapabilityShell(h, h)),
            One("Remove-PerfCapabilityShell"), One("New-PerfCapabilityShell", "-Group", h));
        AssertCommands(Built(nameof(Remediations.SetParanoid), Remediations.SetParanoid(-1)), One("Set-PerfParanoid", "-Level", "-1", "-Persist"));

        // Without a path only a comment can be given: it must stay a comment.
        string byName = Built(nameof(Remediations.GrantPerfmonByName), Remediations.GrantPerfmonByName(h));
        AssertCommands(byName);
        Parser.ParseInput(byName, out Token[] tokens, out _);
        Assert.Equal(TokenKind.Comment, tokens[0].Kind);
        Assert.Equal(byName, tokens[0].Text);
        Assert.Contains(CommandLine.Quote(h), byName);
    }

    [Fact]
    public void The_fixed_recommendations_parse_as_their_commands()
    {
        AssertCommands(Remediations.RunAuditAsRoot, One("sudo", "pwsh", "-c", "Invoke-PerfSecurityAudit"));
        AssertCommands(Remediations.ShrinkPerfTopBuffers, One("Measure-PerfMlockBudget", "-ProcessCount", "2"));
        AssertCommands(Remediations.UpgradeLibcap, One("Get-PerfToolInfo"));
    }

    [Fact]
    public void Every_public_builder_is_checked_with_hostile_values()
    {
        foreach (string h in Hostile) Every_builder_keeps_a_hostile_value_one_argument(h);
        var builders = typeof(Remediations).GetMethods(BindingFlags.Public | BindingFlags.Static).Select(m => m.Name).ToHashSet();
        Assert.Empty(builders.Except(Covered));
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void Quote_gives_one_literal_with_the_exact_value(string h)
    {
        string quoted = CommandLine.Quote(h);
        AssertCommands("Write-Output " + quoted, One("Write-Output", h));
        // Run it too: the value comes back unchanged and nothing else happens.
        using var ps = System.Management.Automation.PowerShell.Create();
        var output = ps.AddScript(quoted).Invoke();
        Assert.False(ps.HadErrors);
        Assert.Equal(h, Assert.Single(output).BaseObject);
    }

    [Fact]
    public void Plain_paths_are_single_quoted()
    {
        Assert.Equal("'/usr/bin/perf'", CommandLine.Quote("/usr/bin/perf"));
        Assert.Equal("'/opt/it''s'", CommandLine.Quote("/opt/it's"));
        Assert.Equal("\"/tmp/a`u{a}b`$x\"", CommandLine.Quote("/tmp/a\nb$x"));
    }
}
