namespace PerfSecurity.Tests;

/// <summary>Checked-in inputs under Fixtures/ (copied next to the test assembly), so that unit tests never read this host's files.</summary>
internal static class Fixtures
{
    public static string Path(params string[] parts) => System.IO.Path.Combine(new[] { AppContext.BaseDirectory, "Fixtures" }.Concat(parts).ToArray());

    /// <summary>An executable that needs libcap.so.2 and libc.so.6 (Fixtures/elf/make.sh).</summary>
    public static string LinkedElf => Path("elf", "linked");

    /// <summary>An executable that needs only libc.so.6 and exits 0.</summary>
    public static string PlainElf => Path("elf", "plain");

    /// <summary>A shared object whose soname is libcap.so.2.</summary>
    public static string LibcapElf => Path("elf", "libcap.so.2.fixture");

    /// <summary>A fixed account database from passwd and group lines, as a host would enumerate them.</summary>
    public static PerfSecurity.Users.AccountDatabase Accounts(string passwd, string group)
    {
        static IEnumerable<string[]> Rows(string text)
            => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(':')).Where(f => f.Length >= 4);
        var users = Rows(passwd).Select(f => new PerfSecurity.Native.Accounts.UserEntry(f[0], uint.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture), uint.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture), f.Length > 5 ? f[5] : "", f.Length > 6 ? f[6] : ""));
        var groups = Rows(group).Select(f => new PerfSecurity.Native.Accounts.GroupEntry(f[0], uint.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture), f[3].Split(',', StringSplitOptions.RemoveEmptyEntries)));
        return new PerfSecurity.Users.AccountDatabase(users, groups);
    }
}
