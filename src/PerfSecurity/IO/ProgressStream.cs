namespace PerfSecurity.IO;

/// <summary>A read-only pass-through stream that reports how far a sequential read has come, on the reading thread.</summary>
public sealed class ProgressStream : Stream
{
    private readonly Stream _inner;
    private readonly Action<long, long> _report;
    private readonly long _length;
    private long _position;

    public ProgressStream(Stream inner, long length, Action<long, long> report)
    {
        _inner = inner;
        _length = length;
        _report = report;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = _inner.Read(buffer, offset, count);
        _position += n;
        _report(_position, _length);
        return n;
    }

    public override int Read(Span<byte> buffer)
    {
        int n = _inner.Read(buffer);
        _position += n;
        _report(_position, _length);
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
