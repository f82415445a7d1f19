using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.DataFiles;

/// <summary>Finds candidate perf.data files under a directory without opening anything that could block.</summary>
public static class PerfDataFiles
{
    /// <summary>Regular files under <paramref name="directory"/> (symlinks not followed), unreadable folders skipped.</summary>
    public static IEnumerable<string> Enumerate(string directory)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.ReparsePoint,
            ReturnSpecialDirectories = false,
        };
        foreach (string path in Directory.EnumerateFiles(directory, "*", options))
        {
            FileStatus st;
            try { st = FileSystem.Stat(path, followLinks: false); }
            catch (SystemCallException) { continue; }
            if (st.IsRegularFile) yield return path;
        }
    }

    /// <summary>Whether the file starts with a perf.data magic; unreadable files count as candidates so their error is reported.</summary>
    public static bool HasPerfMagic(string path)
    {
        Span<byte> b = stackalloc byte[8];
        try { return IsMagic(b[..IO.BoundedFile.ReadHead(path, b)]); }
        catch (PerfSecurityException e) when (e.Kind == FailureKind.PermissionDenied) { return true; }
        catch (PerfSecurityException) { return false; }
    }

    /// <summary>Whether the open file starts with a perf.data magic (read with pread at offset 0).</summary>
    public static bool HasPerfMagic(FileDescriptor fd)
    {
        Span<byte> b = stackalloc byte[8];
        return IsMagic(b[..FileSystem.ReadHead(fd, b)]);
    }

    private static bool IsMagic(ReadOnlySpan<byte> head)
        => head.Length == 8 && System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(head)
            is PerfDataFormat.Magic or PerfDataFormat.MagicSwapped or PerfDataFormat.MagicVersion1;
}
