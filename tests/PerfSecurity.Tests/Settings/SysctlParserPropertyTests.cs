using CsCheck;
using PerfSecurity.Settings;
using Xunit;

namespace PerfSecurity.Tests.Settings;

/// <summary>Random and hostile input for the sysctl.d parser: it never throws and keeps its invariants.</summary>
public sealed class SysctlParserPropertyTests
{
    private static readonly Gen<string> Junk = Gen.String[Gen.Char[" \t\r\n\\#;=-./_abcK09\u00e9\0"], 0, 200];

    private static readonly Gen<string> KeyPart = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz_0123456789"], 1, 12];
    private static readonly Gen<string> Key = KeyPart.Array[1, 4].Select(parts => string.Join('.', parts));
    private static readonly Gen<string> Value = Gen.String[Gen.Char["0123456789 -abc"], 0, 10].Select(v => v.Trim());

    [Fact]
    public void Never_throws_and_yields_stripped_lines_of_one_physical_line() =>
        Junk.Sample(text =>
        {
            foreach (var path in new[] { BootPath.Systemd, BootPath.Procps })
            {
                int lines = text.Split('\n').Length;
                foreach (var a in SysctlConfiguration.Parse(text, "fuzz.conf", path))
                {
                    if (path == BootPath.Systemd) Assert.DoesNotContain('\n', a.Key); // procps's rstrip keeps a first character
                    Assert.True(a.Value is null || a.Value == a.Value.Trim(' ', '\t', '\r', '\n'));
                    Assert.Equal(a.Excludes, a.Value is null);
                    Assert.True(a.Line >= 1);
                    if (path == BootPath.Procps) Assert.True(a.Line <= lines);
                }
            }
        }, iter: 5000);

    [Fact]
    public void Rendered_assignments_parse_back_in_order() =>
        Gen.Select(Key, Value, Gen.Bool, Gen.Bool).Array[0, 20].Sample(items =>
        {
            // Each line in one of the accepted shapes, with comments and blank lines between.
            var lines = new List<string>();
            foreach (var (key, value, slashes, ignore) in items)
            {
                lines.Add("# comment");
                lines.Add("");
                string k = slashes ? key.Replace('.', '/') : key;
                lines.Add($"{(ignore ? "-" : "")}{k} = {value}");
            }
            var parsed = SysctlConfiguration.Parse(string.Join('\n', lines), "f.conf", BootPath.Systemd).ToList();
            Assert.Equal(items.Length, parsed.Count);
            for (int i = 0; i < items.Length; i++)
            {
                Assert.Equal(items[i].Item1, parsed[i].Key);
                Assert.Equal(items[i].Item2, parsed[i].Value);
                Assert.Equal(items[i].Item4, parsed[i].IgnoreErrors);
            }
        }, iter: 2000);

    [Fact]
    public void Key_normalization_is_idempotent() =>
        Gen.String[Gen.Char["ab./_"], 0, 30].Sample(key =>
        {
            string once = SysctlConfiguration.NormalizeKey(key);
            Assert.Equal(once, SysctlConfiguration.NormalizeKey(once));
        }, iter: 5000);
}
