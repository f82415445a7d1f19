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
}
