using PerfSecurity.Capabilities;

namespace PerfSecurity;

/// <summary>A capability mask, its names and capsh --decode's text.</summary>
public sealed class CapabilityMask
{
    public CapabilityMask(CapabilitySet set)
    {
        Mask = set.Mask;
        Hex = set.ToHex();
        Names = set.Names();
        Text = set.ToDecodeText();
    }

    public ulong Mask { get; }
    /// <summary>16 lower-case hex digits, as /proc/&lt;pid&gt;/status prints masks.</summary>
    public string Hex { get; }
    public string[] Names { get; }
    /// <summary>Identical to capsh --decode: 0x&lt;hex&gt;=names.</summary>
    public string Text { get; }

    public override string ToString() => Text;
}
