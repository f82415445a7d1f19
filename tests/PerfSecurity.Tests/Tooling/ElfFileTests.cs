using PerfSecurity.Errors;
using PerfSecurity.Tooling;
using Xunit;

namespace PerfSecurity.Tests.Tooling;

public sealed class ElfFileTests
{
    // The fixtures are real linker output (Fixtures/elf/make.sh); readelf -d / -n on them shows the values asserted here.

    [Fact]
    public void A_program_linked_with_libcap_needs_libcap_and_libc_in_link_order()
    {
        var elf = ElfFile.Read(Fixtures.LinkedElf);
        Assert.True(elf.Is64Bit);
        Assert.False(elf.IsBigEndian);
        Assert.True(elf.IsDynamic);
        Assert.Equal(new[] { "libcap.so.2", "libc.so.6" }, elf.Needed);
        Assert.Null(elf.SoName);
        Assert.Equal("e8885b88ee72f58a0129d823310cdc15b83d9a45", elf.BuildId);
    }

    [Fact]
    public void A_plain_program_does_not_link_libcap()
    {
        var elf = ElfFile.Read(Fixtures.PlainElf);
        Assert.Equal(new[] { "libc.so.6" }, elf.Needed);
        Assert.Matches("^[0-9a-f]{40}$", elf.BuildId);
    }

    [Fact]
    public void The_library_itself_has_its_soname()
    {
        var elf = ElfFile.Read(Fixtures.LibcapElf);
        Assert.Equal("libcap.so.2", elf.SoName);
        Assert.Empty(elf.Needed);
    }

    [Fact]
    public void Every_truncation_of_a_real_binary_is_a_clear_error_or_a_consistent_result()
    {
        byte[] full = File.ReadAllBytes(Fixtures.PlainElf);
        var reference = ElfFile.Parse(full);
        var cuts = Enumerable.Range(0, 300).Concat(Enumerable.Range(0, 200).Select(i => i * (full.Length / 200))).Distinct();
        foreach (int cut in cuts)
        {
            try
            {
                var elf = ElfFile.Parse(full.AsSpan(0, cut));
                Assert.True(elf.Needed.Length <= reference.Needed.Length);
            }
            catch (PerfSecurityException e)
            {
                Assert.True(e.ErrorId is "PerfToolElfInvalid" or "PerfToolNotElf", e.ErrorId);
                Assert.Equal(FailureKind.InvalidData, e.Kind);
            }
        }
    }

    [Fact]
    public void Garbage_after_a_valid_identification_never_throws_anything_else()
    {
        var rng = new Random(20261129);
        for (int i = 0; i < 2000; i++)
        {
            var bytes = new byte[rng.Next(0, 512)];
            rng.NextBytes(bytes);
            if (bytes.Length >= 6)
            {
                bytes[0] = 0x7f; bytes[1] = (byte)'E'; bytes[2] = (byte)'L'; bytes[3] = (byte)'F';
                bytes[4] = (byte)rng.Next(1, 3); bytes[5] = (byte)rng.Next(1, 3);
            }
            try { ElfFile.Parse(bytes); }
            catch (PerfSecurityException e) { Assert.Equal(FailureKind.InvalidData, e.Kind); }
        }
    }

    [Fact]
    public void Corrupted_headers_of_a_real_binary_are_clear_errors()
    {
        byte[] full = File.ReadAllBytes(Fixtures.LinkedElf);
        var rng = new Random(7);
        for (int i = 0; i < 3000; i++)
        {
            var copy = (byte[])full.Clone();
            int at = rng.Next(0, Math.Min(copy.Length, 4096));
            copy[at] = (byte)rng.Next(256);
            try { ElfFile.Parse(copy); }
            catch (PerfSecurityException e) { Assert.Equal(FailureKind.InvalidData, e.Kind); }
        }
    }

    [Fact]
    public void A_script_is_not_elf()
    {
        var e = Assert.Throws<PerfSecurityException>(() => ElfFile.Parse("#!/bin/sh\nexec perf\n"u8));
        Assert.Equal("PerfToolNotElf", e.ErrorId);
        Assert.Contains("script", e.Message);
    }

    [Fact]
    public void A_missing_file_is_object_not_found()
    {
        var e = Assert.Throws<PerfSecurityException>(() => ElfFile.Read("/nonexistent/perf"));
        Assert.Equal(FailureKind.ObjectNotFound, e.Kind);
    }
}
