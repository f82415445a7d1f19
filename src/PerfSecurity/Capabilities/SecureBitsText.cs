using PerfSecurity.Errors;

namespace PerfSecurity.Capabilities;

public static class SecureBitsText
{
    /// <summary>Every bit Linux defines (bits 8-11 since 6.14).</summary>
    public const int AllBits = 0xFFF;

    private static readonly (SecureBits Bit, string Name, string Meaning)[] Table =
    {
        (SecureBits.NoRoot, "SECBIT_NOROOT", "uid 0 gets no capabilities from executing files"),
        (SecureBits.NoRootLocked, "SECBIT_NOROOT_LOCKED", "SECBIT_NOROOT cannot be changed"),
        (SecureBits.NoSetuidFixup, "SECBIT_NO_SETUID_FIXUP", "changing uids to or from 0 keeps capabilities"),
        (SecureBits.NoSetuidFixupLocked, "SECBIT_NO_SETUID_FIXUP_LOCKED", "SECBIT_NO_SETUID_FIXUP cannot be changed"),
        (SecureBits.KeepCaps, "SECBIT_KEEP_CAPS", "permitted capabilities survive a switch from uid 0 (cleared on execve)"),
        (SecureBits.KeepCapsLocked, "SECBIT_KEEP_CAPS_LOCKED", "SECBIT_KEEP_CAPS cannot be changed"),
        (SecureBits.NoCapAmbientRaise, "SECBIT_NO_CAP_AMBIENT_RAISE", "ambient capabilities cannot be raised"),
        (SecureBits.NoCapAmbientRaiseLocked, "SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED", "SECBIT_NO_CAP_AMBIENT_RAISE cannot be changed"),
        // Linux 6.14+: requests to script interpreters (execveat AT_EXECVE_CHECK); settable without CAP_SETPCAP.
        (SecureBits.ExecRestrictFile, "SECBIT_EXEC_RESTRICT_FILE", "interpreters run only files that execveat(AT_EXECVE_CHECK) allows"),
        (SecureBits.ExecRestrictFileLocked, "SECBIT_EXEC_RESTRICT_FILE_LOCKED", "SECBIT_EXEC_RESTRICT_FILE cannot be changed"),
        (SecureBits.ExecDenyInteractive, "SECBIT_EXEC_DENY_INTERACTIVE", "interpreters refuse interactive commands (a terminal, -c, standard input)"),
        (SecureBits.ExecDenyInteractiveLocked, "SECBIT_EXEC_DENY_INTERACTIVE_LOCKED", "SECBIT_EXEC_DENY_INTERACTIVE cannot be changed"),
    };

    /// <summary>The SECBIT_* names of the set bits, lowest first; a bit a newer kernel defined shows as its number.</summary>
    public static string[] Names(int bits)
    {
        var names = new List<string>();
        for (int n = 0; n < 32; n++)
        {
            int bit = 1 << n;
            if ((bits & bit) == 0) continue;
            var hit = Table.FirstOrDefault(t => (int)t.Bit == bit);
            names.Add(hit.Name ?? $"bit {n}");
        }
        return names.ToArray();
    }

    public static IEnumerable<(SecureBits Bit, string Name, string Meaning)> All() => Table;

    /// <summary>capsh's form: octal/hex/bit-count'binary, e.g. 0357/0xef/8'b11101111.</summary>
    public static string CapshText(int bits)
    {
        string binary = Convert.ToString(bits, 2);
        return $"0{Convert.ToString(bits, 8)}/0x{bits:x}/{(bits == 0 ? 1 : binary.Length)}'b{binary}";
    }

    /// <summary>A number (decimal, 0x hex, 0-prefixed octal) or a comma list of SECBIT_* names (with or without the prefix).</summary>
    public static int Parse(string text)
    {
        string s = text.Trim();
        if (s.Length > 0 && char.IsAsciiDigit(s[0]))
        {
            if (CapabilityTable.TryParseNumber(s, out int n) && n <= AllBits) return n;
            throw Invalid(text);
        }
        int bits = 0;
        foreach (string part in s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string name = part.StartsWith("SECBIT_", StringComparison.OrdinalIgnoreCase) ? part : "SECBIT_" + part;
            var hit = Table.FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (hit.Name is null) throw Invalid(text);
            bits |= (int)hit.Bit;
        }
        if (bits == 0 && s.Length > 0) throw Invalid(text);
        return bits;
    }

    private static PerfSecurityException Invalid(string text)
        => new("PerfSecureBitsInvalid", FailureKind.InvalidArgument,
            $"'{text}' is not a secure-bits value. Give a number from 0 to {AllBits} (239, 0xef, 0357, 0x500) or SECBIT_* names.", text);
}
