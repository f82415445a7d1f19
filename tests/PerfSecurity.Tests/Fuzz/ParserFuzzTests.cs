using System.Buffers.Binary;
using System.Text;
using CsCheck;
using PerfSecurity.Audit;
using PerfSecurity.Capabilities;
using PerfSecurity.DataFiles;
using PerfSecurity.Errors;
using PerfSecurity.Resources;
using PerfSecurity.Settings;
using PerfSecurity.Users;
using Xunit;
using Xunit.Abstractions;

namespace PerfSecurity.Tests.Fuzz;

/// <summary>Random and hostile input for every parser of untrusted text or bytes (see docs/fuzzing.md).</summary>
public sealed class ParserFuzzTests
{
    private readonly ITestOutputHelper _out;
    public ParserFuzzTests(ITestOutputHelper output) => _out = output;

    private static readonly long Iter = FuzzCase.Iterations(3000);

    private void Report(string what, long cases, int failures) => _out.WriteLine($"{what}: {cases} cases, {failures} clear errors");

    // ---- capability text -------------------------------------------------------------------------------

    private static readonly string[] CapWords =
    {
        "cap_perfmon", "cap_sys_admin", "CAP_SYSLOG", "cap_ipc_lock", "all", "cap_chown", "38", "63", "64", "99", "cap_", "_", "cap_sys_ptrace",
        "=", "+", "-", "e", "i", "p", "ep", "eip", ",", " ", "\t", "=ep", "+i", "-e", "cap_bogus", "\u0130", "0x10", "", "\n",
    };

    private static readonly Gen<string> CapTextGen = Gen.OneOf(
        Gen.String[Gen.Char["cap_perfmonsyldmi =+-eip,\t0123456789A"], 0, 80],
        Gen.OneOfConst(CapWords).Array[0, 16].Select(w => string.Concat(w)),
        Gen.OneOfConst(CapWords).Array[0, 12].Select(w => string.Join(' ', w)));

    [Fact]
    public void Capability_text_fuzz_never_throws_but_a_clear_error_and_round_trips()
    {
        long cases = 0; int errors = 0;
        CapTextGen.Sample(text =>
        {
            Interlocked.Increment(ref cases);
            CapabilityState parsed = default;
            var e = FuzzCase.Run(text.Length * 2, () => parsed = CapabilityText.Parse(text, 41), () => FuzzCase.Show(text));
            if (e is not null)
            {
                Assert.Equal("PerfCapabilityInvalidText", e.ErrorId);
                Interlocked.Increment(ref errors);
                return;
            }
            string formatted = CapabilityText.Format(parsed, 41);
            Assert.Equal(parsed, CapabilityText.Parse(formatted, 41));
        }, iter: Iter, threads: FuzzCase.Threads);
        Report("capability text", cases, errors);
        Assert.InRange(errors, 1, cases - 1); // both outcomes reached
    }

    // ---- security.capability xattr ---------------------------------------------------------------------

    private static readonly Gen<byte[]> XattrGen = Gen.OneOf(
        Gen.Byte.Array[0, 64],
        Gen.Select(Gen.OneOfConst(0x01000000u, 0x02000000u, 0x03000000u, 0x04000000u, 0u), Gen.UInt[0, 1], Gen.OneOfConst(0u, 0u, 0u, 2u, 0x00FFFFFEu),
                   Gen.OneOfConst(12, 20, 24, 0, 4, 16, 64), Gen.Byte.Array[64, 64])
            .Select((rev, eff, flags, len, rest) =>
            {
                var b = new byte[len];
                rest.AsSpan(0, len).CopyTo(b);
                if (len >= 4) BinaryPrimitives.WriteUInt32LittleEndian(b, rev | eff | flags);
                return b;
            }));

    [Fact]
    public void Xattr_fuzz_decodes_or_fails_clearly_and_reencodes_to_the_same_bytes()
    {
        long cases = 0; int errors = 0, exact = 0;
        XattrGen.Sample(bytes =>
        {
            Interlocked.Increment(ref cases);
            FileCapabilityData? d = null;
            var e = FuzzCase.Run(bytes.Length, () => d = FileCapabilityData.Decode(bytes, "/fuzz"), () => Convert.ToHexString(bytes));
            if (e is not null)
            {
                Assert.Equal("PerfCapabilityCorruptXattr", e.ErrorId);
                Assert.Equal(FailureKind.InvalidData, e.Kind);
                Interlocked.Increment(ref errors);
                return;
            }
            uint magic = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
            byte[] again = d!.Encode();
            // Revision 2 and 3 with no flag but "effective" are canonical: the same bytes come back.
            if ((magic & 0x00FFFFFE) == 0 && magic >> 24 is 2 or 3)
            {
                Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(again));
                Interlocked.Increment(ref exact);
            }
            var back = FileCapabilityData.Decode(again);
            Assert.Equal((d.Permitted, d.Inheritable, d.Effective, d.RootId), (back.Permitted, back.Inheritable, back.Effective, back.RootId));
        }, iter: Iter, threads: FuzzCase.Threads);
        Report("security.capability", cases, errors);
        Assert.InRange(errors, 1, cases - 1);
        Assert.True(exact > 0);
    }

    // ---- /proc/<pid>/status and /proc/<pid>/limits (a real copy of each in Fixtures/proc) ---------------

    private static readonly string SelfStatus = File.ReadAllText(Fixtures.Path("proc", "status"));
    private static readonly string SelfLimits = File.ReadAllText(Fixtures.Path("proc", "limits"));

    /// <summary>A real text cut at a random point, with random lines damaged, or junk in its alphabet.</summary>
    private static Gen<string> ProcText(string real, string alphabet) => Gen.OneOf(
        Gen.Int[0, real.Length].Select(n => real[..n]),
        Gen.Select(Gen.Int[0, real.Length], Gen.String[Gen.Char[alphabet], 0, 40], Gen.Int[0, 40])
            .Select((at, junk, cut) => real[..at] + junk + real[Math.Min(real.Length, at + cut)..]),
        Gen.String[Gen.Char[alphabet], 0, 300]);

    [Fact]
    public void Proc_status_fuzz_never_throws_and_keeps_every_complete_line()
    {
        var full = ProcessCapabilities.ParseStatus(1, SelfStatus);
        long cases = 0;
        ProcText(SelfStatus, "CapEfPrmInhBdAm:\t 0123456789abcdefxNoNewPrivsUidSecomp\n\r-").Sample(text =>
        {
            Interlocked.Increment(ref cases);
            ProcessStatus? s = null;
            FuzzCase.Run(text.Length * 2, () => s = ProcessCapabilities.ParseStatus(1, text), () => FuzzCase.Show(text));
            // A prefix of the real file that holds a whole CapEff line reads the same value.
            if (SelfStatus.StartsWith(text, StringComparison.Ordinal) && text.Contains("CapEff:") && text.IndexOf('\n', text.IndexOf("CapEff:", StringComparison.Ordinal)) > 0)
                Assert.Equal(full.Effective, s!.Effective);
        }, iter: Iter, threads: FuzzCase.Threads);
        Report("/proc/pid/status", cases, 0);
    }

    [Fact]
    public void Proc_limits_fuzz_never_throws_and_keeps_every_complete_line()
    {
        var full = ProcessLimits.Parse(SelfLimits);
        Assert.True(full.ContainsKey("Max locked memory"));
        long cases = 0;
        ProcText(SelfLimits, "Max lockedmemory0123456789unlimited \n").Sample(text =>
        {
            Interlocked.Increment(ref cases);
            IReadOnlyDictionary<string, LimitPair>? l = null;
            FuzzCase.Run(text.Length * 2, () => l = ProcessLimits.Parse(text), () => FuzzCase.Show(text));
            if (SelfLimits.StartsWith(text, StringComparison.Ordinal))
                foreach (var (name, pair) in l!)
                    if (text.Contains(name) && text.IndexOf('\n', text.IndexOf(name, StringComparison.Ordinal)) > 0) Assert.Equal(full[name], pair);
        }, iter: Iter, threads: FuzzCase.Threads);
        Report("/proc/pid/limits", cases, 0);
    }

    // ---- limits.conf -----------------------------------------------------------------------------------

    private static readonly Gen<string> LimitsLine = Gen.OneOf(
        Gen.Select(
            Gen.OneOfConst("alice", "*", "@perf_users", "@1000:", "1000:2000", ":1000", "@:1001", "%perf_users", "root", "@", ":", "1:2:3", "@nosuch", "bob"),
            Gen.OneOfConst("soft", "hard", "-", "SOFT", "both", ""),
            Gen.OneOfConst("memlock", "nofile", "MEMLOCK", "nproc", "x"),
            Gen.OneOfConst("unlimited", "infinity", "-1", "0", "64", "18446744073709551615", "18446744073709551616", "-2", "1e3", "8192", "ｕ"),
            Gen.OneOfConst("", "", " # note", " extra", "#"))
            .Select((d, t, i, v, tail) => $"{d}\t{t} {i}  {v}{tail}"),
        Gen.String[Gen.Char["@*:%alice softhard-memlock0123456789#\t \r"], 0, 60]);

    [Fact]
    public void Limits_conf_fuzz_parses_and_resolves_without_throwing_and_the_users_own_last_line_wins()
    {
        long cases = 0;
        var alice = new PamUser("alice", 1000, 1000, g => g is "alice" or "perf_users", gid => gid is 1000 or 1002);
        var root = new PamUser("root", 0, 0, g => g is "root" or "perf_users", gid => gid is 0 or 1002);
        var start = new LimitPair(8UL << 20, 8UL << 20);
        Gen.Select(LimitsLine.Array[0, 30], Gen.ULong[0, 1UL << 40]).Sample((lines, mine) =>
        {
            Interlocked.Increment(ref cases);
            string text = string.Join('\n', lines.Append($"alice soft memlock {mine}")) + "\n";
            FuzzCase.Run(text.Length * 4, () =>
            {
                var entries = LimitsConfiguration.Parse(text, "fuzz.conf").ToList();
                foreach (var e in entries) Assert.InRange(e.Fields, 1, 4);
                var conf = LimitsConfiguration.FromEntries(entries);
                var r = conf.Resolve("memlock", alice, start);
                if (r.NoLimitsLine is null)
                {
                    // The user's own line is the last of the highest rank: it sets the soft limit, never above the hard one.
                    Assert.Equal($"fuzz.conf:{lines.Length + 1}", r.SoftSource);
                    Assert.Equal(Math.Min(mine * 1024, r.Limit.Hard ?? ulong.MaxValue), r.Limit.Soft);
                }
                else Assert.Equal(start, r.Limit);
                // Root: group and "*" lines never apply (Debian); only its name or a uid range can.
                var rr = conf.Resolve("nofile", root, start);
                if (rr.HardSource is { } src)
                    Assert.True(entries.Single(e => $"{e.File}:{e.Line}" == src) is var line && (line.Domain == "root" || line.Domain.Contains(':')));
            }, () => FuzzCase.Show(text));
        }, iter: Iter, threads: FuzzCase.Threads);
        Report("limits.conf", cases, 0);
    }

    // ---- sysctl.d: one physical line each, '-' and unknown keys ------------------------------------------

    [Fact]
    public void Sysctl_fuzz_backslashes_continue_nothing_and_unknown_keys_are_kept_as_written()
    {
        long cases = 0;
        var part = Gen.String[Gen.Char["abc019 "], 1, 8].Where(p => p.Trim().Length > 0 && p == p.TrimEnd());
        Gen.Select(Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz_"], 1, 10], part.Array[1, 5], Gen.Bool, Gen.Bool).Sample((unknown, parts, dash, cr) =>
        {
            Interlocked.Increment(ref cases);
            string nl = cr ? "\r\n" : "\n";
            // "fuzz.<unknown> = a\<nl>b\<nl>c": the first line alone is the assignment, its value ends in the backslash.
            string text = $"; c{nl}{(dash ? "-" : "")}fuzz.{unknown} = {string.Join("\\" + nl, parts)}{nl}kernel.perf_event_paranoid=2{nl}";
            foreach (var path in new[] { BootPath.Systemd, BootPath.Procps })
            {
                List<SysctlAssignment> a = new();
                FuzzCase.Run(text.Length * 4, () => a = SysctlConfiguration.Parse(text, "f.conf", path).ToList(), () => FuzzCase.Show(text));
                Assert.Equal(2, a.Count);
                Assert.Equal("fuzz." + unknown, a[0].Key);
                Assert.Equal(parts[0].Trim() + (parts.Length > 1 ? "\\" : ""), a[0].Value);
                Assert.Equal(dash, a[0].IgnoreErrors);
                Assert.Equal(2, a[0].Line);
                Assert.Equal(("kernel.perf_event_paranoid", "2"), (a[1].Key, a[1].Value));
            }
        }, iter: Iter, threads: FuzzCase.Threads);
        Report("sysctl.d backslashes", cases, 0);
    }

    [Fact]
    public void Sysctl_fuzz_a_line_over_a_megabyte_ends_systemds_reading_of_the_file()
    {
        // systemd's read_line limit (LONG_LINE_MAX, 1 MiB): the file is read up to the long line; procps reads on.
        string text = "kernel.perf_event_paranoid = 1\n# " + new string('a', 1 << 20) + "\nkernel.perf_event_paranoid = 0\n";
        List<SysctlAssignment> s = new(), p = new();
        FuzzCase.Run(text.Length * 4, () => s = SysctlConfiguration.Parse(text, "big.conf", BootPath.Systemd).ToList(), () => "1 MiB line");
        FuzzCase.Run(text.Length * 4, () => p = SysctlConfiguration.Parse(text, "big.conf", BootPath.Procps).ToList(), () => "1 MiB line");
        Assert.Equal(new[] { "1" }, s.Select(a => a.Value));
        Assert.Equal(new[] { "1", "0" }, p.Select(a => a.Value));
    }

    // ---- audit log ---------------------------------------------------------------------------------------

    private static readonly string RawLog = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "audit", "raw.log"));
    private static readonly string InterpretedLog = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "audit", "interpreted.log"));

    private static readonly AccountDatabase Accounts = Fixtures.Accounts("root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n", "root:x:0:\nalice:x:1000:\n");

    private static readonly Gen<string> AuditText = Gen.OneOf(
        ProcText(RawLog, "type=AVCmsg:audit(1.2:3) {}\"'=\x1d-\n"),
        ProcText(InterpretedLog, "type=SYSCALLmsg:audit(11/29/2026 20:01:02.123:4) {}\"=\n"),
        Gen.OneOfConst("type=", "AVC", "SYSCALL", "EOE", " msg=audit(", "1795982462.123:456", "99999999999999.1:1", "11/29/2026 20:01:02.123:9", "):",
                "avc:", " denied ", "{", " perfmon ", "}", " capability=38", " capability=21", " tclass=capability2", " exe=\"/x\"", " comm='p'",
                " uid=1000", "\x1d", " UID=\"alice\"", "=", "\"", "----", "\n", "time->", "\r\n", "\u00e9", "\0")
            .Array[0, 40].Select(w => string.Concat(w)));

    [Fact]
    public void Audit_log_fuzz_counts_every_line_and_never_throws()
    {
        long cases = 0;
        AuditText.Sample(text =>
        {
            Interlocked.Increment(ref cases);
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            FuzzCase.Run(bytes.Length + (256 << 10) / 200, () =>
            {
                var c = new DenialCollector(null, Accounts);
                c.Read(new MemoryStream(bytes), "fuzz.log");
                var results = c.Results().ToList();
                int lines = text.Split('\n').Length - (text.EndsWith('\n') ? 1 : 0);
                if (text.Length == 0) lines = 0;
                Assert.Equal(lines, c.Statistics.Lines);
                Assert.True(c.Statistics.BadLines <= c.Statistics.Lines);
                Assert.True(c.Statistics.BadLineSamples.Count <= 5);
                foreach (var d in results) Assert.True(d.Count > 0);
                foreach (string line in text.Split('\n'))
                {
                    var kind = AuditRecordParser.Parse(line, out var record, out string? error);
                    Assert.Equal(kind == AuditRecordParser.LineKind.Bad, error is not null);
                    Assert.Equal(kind == AuditRecordParser.LineKind.Record, record is not null);
                }
            }, () => FuzzCase.Show(text));
        }, iter: Iter, threads: FuzzCase.Threads);
        Report("audit log", cases, 0);
    }

    // ---- perf.data headers ---------------------------------------------------------------------------------

    private static readonly byte[][] PerfFixtures = new[] { "cpu-clock.data", "pipe.data", "page-faults-addr.data" }
        .Select(n => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "perf-data", n))).ToArray();

    /// <summary>Headers with the magic and plausible or wild size and offset fields, then random bytes.</summary>
    private static readonly Gen<byte[]> PerfDataGen = Gen.OneOf(
        Gen.Select(Gen.OneOfConst(16UL, 104UL, 0UL, 4096UL, ulong.MaxValue), Gen.ULong.Array[12, 12], Gen.Byte.Array[0, 600])
            .Select((headerSize, fields, tail) =>
            {
                var b = new byte[16 + 96 + tail.Length];
                "PERFILE2"u8.CopyTo(b);
                BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(8), headerSize);
                for (int k = 0; k < 12; k++)
                {
                    // Half the fields small enough to land inside the file, so the parser goes deeper.
                    ulong v = k % 2 == 0 ? fields[k] % (ulong)(b.Length + 64) : fields[k];
                    BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(16 + 8 * k), v);
                }
                tail.CopyTo(b.AsSpan(112));
                return b;
            }),
        Gen.Select(Gen.Int[0, PerfFixtures.Length - 1], Gen.Select(Gen.Int[0, 1 << 20], Gen.ULong).Array[1, 6], Gen.Int[0, 1 << 20])
            .Select((which, edits, cut) =>
            {
                var b = (byte[])PerfFixtures[which].Clone();
                foreach (var (at, v) in edits)
                {
                    int pos = at % Math.Max(1, Math.Min(b.Length, 1024)) & ~7;
                    if (pos + 8 <= b.Length) BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(pos), v % 3 == 0 ? v : v % 4096);
                }
                return cut % 4 == 0 ? b[..(cut % (b.Length + 1))] : b;
            }));

    [Fact]
    public void Perf_data_fuzz_never_throws_but_a_clear_error()
    {
        long cases = 0; int errors = 0;
        PerfDataGen.Sample(bytes =>
        {
            Interlocked.Increment(ref cases);
            var e = FuzzCase.Run(bytes.Length, () => PerfDataParser.Parse(new MemoryByteSource(bytes), "fuzz.data"), () => Convert.ToHexString(bytes.AsSpan(0, Math.Min(bytes.Length, 200))));
            if (e is not null)
            {
                Assert.StartsWith("PerfData", e.ErrorId);
                Interlocked.Increment(ref errors);
            }
        }, iter: Iter, threads: FuzzCase.Threads);
        Report("perf.data", cases, errors);
        Assert.InRange(errors, 1, cases - 1);
    }
}
