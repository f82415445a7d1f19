using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.DataFiles;

/// <summary>An open file read with pread: no shared position, no buffering beyond what is asked. The descriptor stays its owner's.</summary>
public sealed class FileByteSource : IByteSource
{
    private readonly FileDescriptor _fd;
    private readonly string _path;

    public FileByteSource(FileDescriptor fd, long length, string path)
    {
        _fd = fd;
        _path = path;
        Length = length;
    }

    public long Length { get; }

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/> (less at the end of the file); a failed read is PerfDataReadFailed.</summary>
    public int Read(long offset, Span<byte> buffer)
    {
        int total = 0;
        try
        {
            while (total < buffer.Length)
            {
                int n = FileSystem.PRead(_fd, buffer[total..], offset + total, _path);
                if (n <= 0) break;
                total += n;
            }
        }
        catch (SystemCallException e)
        {
            throw PerfSecurityException.FromSystemCall("PerfDataReadFailed", e, $"Reading '{_path}' failed: {Errno.Describe(e.Errno)}.", _path);
        }
        return total;
    }
}
