namespace PerfSecurity.DataFiles;

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
