using System.Text;

namespace PerfSecurity.Audit;

/// <summary>
/// Reads a text file line by line in fixed-size chunks: memory stays bounded whatever the file holds,
/// and a line longer than the limit is reported as such instead of being assembled.
/// </summary>
public sealed class LineReader : IDisposable
{
    public const int MaxLineLength = 64 * 1024;
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly byte[] _line = new byte[MaxLineLength];
    private int _start, _end, _lineLength;
    private bool _overlong, _eof;

    public LineReader(Stream stream) => _stream = stream;

    public long LineNumber { get; private set; }

    /// <summary>The next line without its end, or null at the end; <paramref name="tooLong"/> marks a line cut at the limit.</summary>
    public string? ReadLine(out bool tooLong)
    {
        _lineLength = 0;
        _overlong = false;
        while (true)
        {
            if (_start == _end)
            {
                if (_eof) break;
                _start = 0;
                _end = _stream.Read(_buffer, 0, _buffer.Length);
                if (_end == 0) { _eof = true; break; }
            }
            int nl = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            int stop = nl < 0 ? _end : nl;
            Append(_start, stop - _start);
            _start = nl < 0 ? _end : nl + 1;
            if (nl >= 0) return Finish(out tooLong);
        }
        if (_lineLength == 0 && !_overlong) { tooLong = false; return null; }
        return Finish(out tooLong);
    }

    private void Append(int from, int count)
    {
        int room = MaxLineLength - _lineLength;
        if (count > room) { _overlong = true; count = room; }
        Buffer.BlockCopy(_buffer, from, _line, _lineLength, count);
        _lineLength += count;
    }

    private string Finish(out bool tooLong)
    {
        LineNumber++;
        tooLong = _overlong;
        int len = _lineLength;
        if (len > 0 && _line[len - 1] == '\r') len--;
        return Encoding.UTF8.GetString(_line, 0, len);
    }

    public void Dispose() => _stream.Dispose();
}
