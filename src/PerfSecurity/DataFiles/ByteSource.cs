using Microsoft.Win32.SafeHandles;
using PerfSecurity.Native;

namespace PerfSecurity.DataFiles;

/// <summary>Random access to the bytes of a file whose real length is known up front.</summary>
public interface IByteSource
{
    long Length { get; }

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/>; returns fewer bytes only at the end.</summary>
    int Read(long offset, Span<byte> buffer);
}

/// <summary>Bytes held in memory (tests, fuzzing).</summary>
public sealed class MemoryByteSource : IByteSource
{
    private readonly byte[] _data;
    public MemoryByteSource(byte[] data) => _data = data;
    public long Length => _data.Length;

    public int Read(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= _data.Length) return 0;
        int n = (int)Math.Min(buffer.Length, _data.Length - offset);
        _data.AsSpan((int)offset, n).CopyTo(buffer);
        return n;
    }
}

/// <summary>An open file read with pread: no shared position, no buffering beyond what is asked. The descriptor stays
/// its owner's: disposing releases only the handle that wraps it.</summary>
public sealed class FileByteSource : IByteSource, IDisposable
{
    private readonly SafeFileHandle _handle;

    public FileByteSource(FileDescriptor fd, long length)
    {
        _handle = new SafeFileHandle(new IntPtr(fd.Value), ownsHandle: false);
        Length = length;
    }

    public long Length { get; }

    public int Read(long offset, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = RandomAccess.Read(_handle, buffer[total..], offset + total);
            if (n <= 0) break;
            total += n;
        }
        return total;
    }

    public void Dispose() => _handle.Dispose();
}
