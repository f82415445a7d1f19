using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;
using System.Text;

namespace PerfSecurity.Native;

/// <summary>
/// File names are bytes; .NET strings are UTF-16. Bytes that are not UTF-8 are held as the lone surrogates
/// U+DC80..U+DCFF (one per byte, the scheme of Python's PEP 383), so every name read from the kernel turns
/// into a string that leads back to the same file. Valid UTF-8 is unchanged, and no valid name can produce a
/// lone surrogate, so the mapping is one-to-one.
/// </summary>
public static class PathBytes
{
    private const char EscapeBase = '\uDC00';
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The name's bytes as a string; undecodable bytes become U+DC80..U+DCFF.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        // The common case: all valid, decoded in one call.
        if (System.Text.Unicode.Utf8.IsValid(bytes)) return Encoding.UTF8.GetString(bytes);
        var sb = new StringBuilder(bytes.Length);
        int i = 0;
        while (i < bytes.Length)
        {
            int n = ValidSequenceLength(bytes[i..]);
            if (n > 0)
            {
                sb.Append(Encoding.UTF8.GetString(bytes.Slice(i, n)));
                i += n;
            }
            else
            {
                sb.Append((char)(EscapeBase + bytes[i]));
                i++;
            }
        }
        return sb.ToString();
    }

    // The length of the valid UTF-8 sequence at the start, or 0 when the first byte does not start one.
    private static int ValidSequenceLength(ReadOnlySpan<byte> b)
    {
        int length = b[0] < 0x80 ? 1 : b[0] >= 0xC2 && b[0] <= 0xDF ? 2 : b[0] >= 0xE0 && b[0] <= 0xEF ? 3 : b[0] >= 0xF0 && b[0] <= 0xF4 ? 4 : 0;
        if (length == 0 || b.Length < length) return 0;
        return System.Text.Unicode.Utf8.IsValid(b[..length]) ? length : 0;
    }

    /// <summary>The bytes a string names: UTF-8, with U+DC80..U+DCFF turned back into the bytes they hold.</summary>
    public static byte[] Encode(string text)
    {
        if (!HasEscapes(text)) return Encoding.UTF8.GetBytes(text);
        var bytes = new List<byte>(text.Length + 8);
        Span<byte> buffer = stackalloc byte[4];
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (IsEscape(text, i)) { bytes.Add((byte)(c - EscapeBase)); continue; }
            int units = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            int n = Encoding.UTF8.GetBytes(text.AsSpan(i, units), buffer);
            for (int k = 0; k < n; k++) bytes.Add(buffer[k]);
            i += units - 1;
        }
        return bytes.ToArray();
    }

    /// <summary>True when the string holds bytes that are not UTF-8 (see <see cref="Decode"/>).</summary>
    public static bool HasEscapes(string text)
    {
        for (int i = 0; i < text.Length; i++)
            if (IsEscape(text, i)) return true;
        return false;
    }

    // A low surrogate for bytes 0x80-0xFF that is not the second half of a pair.
    private static bool IsEscape(string s, int i)
        => s[i] >= '\uDC80' && s[i] <= '\uDCFF' && (i == 0 || !char.IsHighSurrogate(s[i - 1]));

    /// <summary>For people: each byte that is not UTF-8 as \xNN, the rest as it is.</summary>
    public static string Display(string text)
    {
        if (!HasEscapes(text)) return text;
        var sb = new StringBuilder(text.Length + 8);
        for (int i = 0; i < text.Length; i++)
        {
            if (IsEscape(text, i)) sb.Append("\\x").Append(((int)(text[i] - EscapeBase)).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            else sb.Append(text[i]);
        }
        return sb.ToString();
    }

    /// <summary>A NUL-terminated C string, read as <see cref="Decode"/> reads bytes.</summary>
    public static unsafe string FromCString(byte* p) => Decode(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(p));
}

/// <summary>Passes path strings to libc as the bytes they name (<see cref="PathBytes.Encode"/>), NUL-terminated.</summary>
[CustomMarshaller(typeof(string), MarshalMode.ManagedToUnmanagedIn, typeof(PathMarshaller))]
internal static unsafe class PathMarshaller
{
    public static byte* ConvertToUnmanaged(string? managed)
    {
        if (managed is null) return null;
        byte[] bytes = PathBytes.Encode(managed);
        byte* p = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
        bytes.CopyTo(new Span<byte>(p, bytes.Length));
        p[bytes.Length] = 0;
        return p;
    }

    public static void Free(byte* unmanaged) => NativeMemory.Free(unmanaged);
}
