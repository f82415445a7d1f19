using System.Globalization;

namespace PerfSecurity.Baselines;

/// <summary>
/// The differences between a baseline and the state now, one per thing that differs. A part that is new or gone is one
/// difference (not one per field); a member added to a group is one difference (the member's memlock limit comes with
/// it and is not repeated); a changed sudoers rule is one difference (its file's hash changes with it).
/// Informational fields (where a value comes from, when and where the baseline was taken) are not compared.
/// </summary>
public static class BaselineComparer
{
    public const string Absent = "(absent)";
    public const string Present = "present";
    public const string NotSet = "(not set)";

    public static IEnumerable<BaselineDifference> Compare(PerfSecurityBaseline expected, PerfSecurityBaseline actual)
    {
        string host = actual.ComputerName;
        var diffs = new List<BaselineDifference>();
        void Add(string section, string name, string property, string? exp, string? act)
        {
            if (!string.Equals(exp, act, StringComparison.Ordinal))
                diffs.Add(new BaselineDifference(section, name, property, exp ?? NotSet, act ?? NotSet, host));
        }

        Keyed(expected.Sysctls, actual.Sysctls, s => s.Name, "Sysctl", diffs, host, (e, a) =>
        {
            Add("Sysctl", e.Name, "Runtime", e.Runtime, a.Runtime);
            Add("Sysctl", e.Name, "NextBoot", e.NextBoot, a.NextBoot);
        });

        Keyed(expected.Binaries, actual.Binaries, b => b.Path, "Binary", diffs, host, (e, a) =>
        {
            Add("Binary", e.Path, "Owner", e.Owner, a.Owner);
            Add("Binary", e.Path, "Group", e.Group, a.Group);
            Add("Binary", e.Path, "Mode", e.Mode, a.Mode);
            Add("Binary", e.Path, "Acl", e.Acl, a.Acl);
            Add("Binary", e.Path, "Capabilities", e.Capabilities ?? "(none)", a.Capabilities ?? "(none)");
        });

        // Users who became or stopped being members: their memlock limits come and go with that difference.
        var wasMember = expected.Groups.SelectMany(g => g.Members).ToHashSet(StringComparer.Ordinal);
        var isMember = actual.Groups.SelectMany(g => g.Members).ToHashSet(StringComparer.Ordinal);
        Keyed(expected.Groups, actual.Groups, g => g.Name, "Group", diffs, host, (e, a) =>
        {
            Add("Group", e.Name, "Gid", e.Gid?.ToString(CultureInfo.InvariantCulture), a.Gid?.ToString(CultureInfo.InvariantCulture));
            foreach (string m in e.Members.Except(a.Members, StringComparer.Ordinal)) Add("Group", e.Name, $"Member {m}", "member", "(not a member)");
            foreach (string m in a.Members.Except(e.Members, StringComparer.Ordinal)) Add("Group", e.Name, $"Member {m}", "(not a member)", "member");
        });

        // A shell is known by its script (or, for a rule that runs capsh itself, by the rule).
        Keyed(expected.CapabilityShells, actual.CapabilityShells, s => s.Script ?? s.Rule, "CapabilityShell", diffs, host, (e, a) =>
        {
            string name = e.Script ?? e.Rule;
            Add("CapabilityShell", name, "Rule", e.Rule, a.Rule);
            Add("CapabilityShell", name, "SudoersFile", e.SudoersFile, a.SudoersFile);
            if (e.Rule == a.Rule && e.SudoersFile == a.SudoersFile) Add("CapabilityShell", name, "SudoersSha256", e.SudoersSha256, a.SudoersSha256);
            Add("CapabilityShell", name, "ScriptSha256", e.ScriptSha256, a.ScriptSha256);
            Add("CapabilityShell", name, "ScriptOwner", e.ScriptOwner, a.ScriptOwner);
            Add("CapabilityShell", name, "ScriptMode", e.ScriptMode, a.ScriptMode);
        });

        static string Kb(ulong? kb) => kb is ulong k ? k.ToString(CultureInfo.InvariantCulture) : "unlimited";
        var expectedUsers = expected.MemlockLimits.ToDictionary(m => m.User, StringComparer.Ordinal);
        foreach (var a in actual.MemlockLimits)
        {
            if (expectedUsers.TryGetValue(a.User, out var e)) Add("Memlock", a.User, "MemlockKb", Kb(e.MemlockKb), Kb(a.MemlockKb));
            else if (wasMember.Contains(a.User)) diffs.Add(new BaselineDifference("Memlock", a.User, "", Absent, Kb(a.MemlockKb), host));
        }
        foreach (var e in expected.MemlockLimits)
        {
            if (!actual.MemlockLimits.Any(a => a.User == e.User) && isMember.Contains(e.User))
                diffs.Add(new BaselineDifference("Memlock", e.User, "", Kb(e.MemlockKb), Absent, host));
        }
        return diffs;
    }

    /// <summary>Matches items by key: one difference for each item only one side has, <paramref name="same"/> for the rest.</summary>
    private static void Keyed<T>(IReadOnlyList<T> expected, IReadOnlyList<T> actual, Func<T, string> key, string section,
        List<BaselineDifference> diffs, string host, Action<T, T> same)
    {
        var now = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var a in actual) now.TryAdd(key(a), a);
        var before = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in expected)
        {
            string k = key(e);
            if (!before.Add(k)) continue;
            if (now.TryGetValue(k, out var a)) same(e, a);
            else diffs.Add(new BaselineDifference(section, k, "", Present, Absent, host));
        }
        foreach (var a in actual)
        {
            string k = key(a);
            if (before.Add(k)) diffs.Add(new BaselineDifference(section, k, "", Absent, Present, host));
        }
    }
}
