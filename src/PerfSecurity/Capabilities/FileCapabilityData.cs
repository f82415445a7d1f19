using System.Buffers.Binary;
using PerfSecurity.Errors;

namespace PerfSecurity.Capabilities;

/// <summary>
/// The decoded security.capability xattr: permitted and inheritable sets, the single effective bit,
/// and for revision 3 the uid of the owning user namespace's root.
/// </summary>
public sealed record FileCapabilityData(CapabilitySet Permitted, CapabilitySet Inheritable, bool Effective, uint? RootId = null, int Revision = 2)
{
    public const string XattrName = "security.capability";

    private const uint RevisionMask = 0xFF000000;
    private const uint FlagEffective = 0x000001;
    public const uint Revision1 = 0x01000000, Revision2 = 0x02000000, Revision3 = 0x03000000;
    public const int Size1 = 12, Size2 = 20, Size3 = 24;

    /// <summary>The three sets as a process would see them in text: effective is all of P∪I or nothing.</summary>
    public CapabilityState State => new(Effective ? Permitted | Inheritable : CapabilitySet.Empty, Permitted, Inheritable);

    /// <summary>What getcap prints after the path (without -n).</summary>
    public string Text => CapabilityText.Format(State);

    /// <summary>
    /// From the text-level sets, with libcap's rule (cap_set_file): the xattr stores one effective bit, so a
    /// non-empty effective set must hold all of permitted ∪ inheritable. Effective capabilities beyond that union
    /// are not stored, as setcap does not store them: at exec the effective set becomes permitted ∪ inheritable.
    /// </summary>
    public static FileCapabilityData FromState(CapabilityState state, uint? rootId = null)
    {
        var union = state.Permitted | state.Inheritable;
        if (!state.Effective.IsEmpty && !union.IsSubsetOf(state.Effective))
            throw new PerfSecurityException("PerfCapabilityInvalidEffective", FailureKind.InvalidArgument,
                $"Under Linux, effective file capabilities must be empty or hold all of permitted and inheritable ({CapabilityText.Format(new(union, state.Permitted, state.Inheritable))}); "
                + $"'{CapabilityText.Format(state)}' is neither. Use the flags 'ep' (or 'eip') for every capability, or leave out 'e'.",
                CapabilityText.Format(state));
        bool effective = !state.Effective.IsEmpty;
        return new FileCapabilityData(state.Permitted, state.Inheritable, effective, rootId, rootId is null ? 2 : 3);
    }

    /// <summary>The xattr bytes: revision 2 (20 bytes), or revision 3 (24 bytes) when a root id is set.</summary>
    public byte[] Encode()
    {
        bool v3 = RootId is not null;
        var b = new byte[v3 ? Size3 : Size2];
        BinaryPrimitives.WriteUInt32LittleEndian(b, (v3 ? Revision3 : Revision2) | (Effective ? FlagEffective : 0));
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), (uint)Permitted.Mask);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), (uint)Inheritable.Mask);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(12), (uint)(Permitted.Mask >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(16), (uint)(Inheritable.Mask >> 32));
        if (v3) BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(20), RootId!.Value);
        return b;
    }

    /// <summary>Decodes revision 1, 2 or 3; the size must match the revision exactly, as libcap requires.</summary>
    public static FileCapabilityData Decode(ReadOnlySpan<byte> value, string? path = null)
    {
        if (value.Length < 4) throw Corrupt(path, $"{value.Length} bytes is too short");
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(value);
        bool effective = (magic & FlagEffective) != 0;
        uint revision = magic & RevisionMask;
        int expected = revision switch { Revision1 => Size1, Revision2 => Size2, Revision3 => Size3, _ => -1 };
        if (expected < 0) throw Corrupt(path, $"unknown revision 0x{revision >> 24:x2}");
        if (value.Length != expected) throw Corrupt(path, $"revision {revision >> 24} needs {expected} bytes, found {value.Length}");

        ulong p = BinaryPrimitives.ReadUInt32LittleEndian(value[4..]);
        ulong i = BinaryPrimitives.ReadUInt32LittleEndian(value[8..]);
        if (revision != Revision1)
        {
            p |= (ulong)BinaryPrimitives.ReadUInt32LittleEndian(value[12..]) << 32;
            i |= (ulong)BinaryPrimitives.ReadUInt32LittleEndian(value[16..]) << 32;
        }
        uint? rootId = revision == Revision3 ? BinaryPrimitives.ReadUInt32LittleEndian(value[20..]) : null;
        return new FileCapabilityData(new(p), new(i), effective, rootId, (int)(revision >> 24));
    }

    private static PerfSecurityException Corrupt(string? path, string why)
        => new("PerfCapabilityCorruptXattr", FailureKind.InvalidData,
            $"The {XattrName} attribute{(path is null ? "" : $" of '{path}'")} is not valid: {why}. Replace it with Set-PerfCapability or remove it with Remove-PerfCapability.",
            path);
}
