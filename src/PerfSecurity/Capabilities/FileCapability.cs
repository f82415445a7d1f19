using PerfSecurity.Capabilities;

namespace PerfSecurity;

/// <summary>The file capabilities of one file, as getcap shows them.</summary>
public sealed class FileCapability
{
    public FileCapability(string path, FileCapabilityData data)
    {
        Path = path;
        RawPath = Native.PathBytes.Encode(path);
        DisplayPath = Native.PathBytes.Display(path);
        Text = data.Text;
        Permitted = data.Permitted.Names();
        Inheritable = data.Inheritable.Names();
        Effective = data.Effective;
        RootId = data.RootId;
        Revision = data.Revision;
        PermittedMask = data.Permitted.Mask;
        InheritableMask = data.Inheritable.Mask;
    }

    /// <summary>
    /// The path; bytes of the name that are not UTF-8 are held as U+DC80..U+DCFF (one per byte), so the
    /// module's -Path and -LiteralPath find the file again from this string.
    /// </summary>
    public string Path { get; }
    /// <summary>The path's bytes, as the kernel has them.</summary>
    public byte[] RawPath { get; }
    /// <summary>The path for people: each byte that is not UTF-8 shown as \xNN.</summary>
    public string DisplayPath { get; }
    /// <summary>Exactly what libcap's getcap prints after the path.</summary>
    public string Text { get; }
    public string[] Permitted { get; }
    public string[] Inheritable { get; }
    /// <summary>The single effective bit: at exec the effective set becomes permitted ∪ inheritable.</summary>
    public bool Effective { get; }
    /// <summary>Revision 3 only: the uid that is root of the user namespace the capabilities apply in.</summary>
    public uint? RootId { get; }
    public int Revision { get; }
    public ulong PermittedMask { get; }
    public ulong InheritableMask { get; }

    public override string ToString() => $"{DisplayPath} {Text}";
}
