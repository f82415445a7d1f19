using System.Buffers.Binary;

namespace PerfSecurity.Native;

/// <summary>
/// What one read(2) of a counter or a group returned, decoded in place for its read_format: nothing is copied or
/// allocated. A single counter reads value, [time_enabled], [time_running], [id], [lost]; a group (PERF_FORMAT_GROUP)
/// reads nr, [time_enabled], [time_running], then nr × {value, [id], [lost]}, leader first, then the members in the
/// order they were opened. One group read is one snapshot: every member shares the same times.
/// </summary>
public readonly ref struct PerfReadView
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly int _first, _stride, _id, _lost;

    private PerfReadView(ReadOnlySpan<byte> data, int count, ulong? enabled, ulong? running, int first, int stride, int id, int lost)
    {
        _data = data;
        Count = count;
        TimeEnabled = enabled;
        TimeRunning = running;
        _first = first;
        _stride = stride;
        _id = id;
        _lost = lost;
    }

    /// <summary>Values in the read: 1 for a single counter, nr for a group.</summary>
    public int Count { get; }
    public ulong? TimeEnabled { get; }
    public ulong? TimeRunning { get; }

    public ulong Value(int i) => U64(_first + i * _stride);
    public ulong? Id(int i) => _id < 0 ? null : U64(_first + i * _stride + _id);
    public ulong? Lost(int i) => _lost < 0 ? null : U64(_first + i * _stride + _lost);

    private ulong U64(int offset) => BinaryPrimitives.ReadUInt64LittleEndian(_data.Slice(offset, 8));

    /// <summary>Checks the size against <paramref name="readFormat"/> and returns the view; InvalidDataException when they disagree.</summary>
    public static PerfReadView Parse(ReadOnlySpan<byte> data, ulong readFormat)
    {
        bool hasE = (readFormat & PerfEvents.FormatTotalTimeEnabled) != 0, hasR = (readFormat & PerfEvents.FormatTotalTimeRunning) != 0;
        bool hasI = (readFormat & PerfEvents.FormatId) != 0, hasL = (readFormat & PerfEvents.FormatLost) != 0;
        if (data.Length % 8 != 0)
            throw new InvalidDataException($"A counter read of {data.Length} bytes is not a whole number of u64 values.");
        int idAt = hasI ? 8 : -1, lostAt = hasL ? 8 * (hasI ? 2 : 1) : -1;
        if ((readFormat & PerfEvents.FormatGroup) != 0)
        {
            int header = PerfEvents.ReadSize(readFormat, 0), stride = PerfEvents.ReadSize(readFormat, 1) - header;
            if (data.Length < header)
                throw new InvalidDataException($"A group read of {data.Length} bytes is too short for read_format 0x{readFormat:x}.");
            ulong nr = BinaryPrimitives.ReadUInt64LittleEndian(data);
            if ((ulong)header + nr * (ulong)stride != (ulong)data.Length)
                throw new InvalidDataException($"A group read of {data.Length} bytes does not hold {nr} members for read_format 0x{readFormat:x}.");
            int pos = 8;
            ulong? enabled = hasE ? BinaryPrimitives.ReadUInt64LittleEndian(data[pos..]) : null;
            if (hasE) pos += 8;
            ulong? running = hasR ? BinaryPrimitives.ReadUInt64LittleEndian(data[pos..]) : null;
            return new PerfReadView(data, (int)nr, enabled, running, header, stride, idAt, lostAt);
        }
        int size = PerfEvents.ReadSize(readFormat);
        if (data.Length != size)
            throw new InvalidDataException($"A counter read of {data.Length} bytes does not match read_format 0x{readFormat:x} ({size} bytes).");
        int at = 8;
        ulong? e = hasE ? BinaryPrimitives.ReadUInt64LittleEndian(data[at..]) : null;
        if (hasE) at += 8;
        ulong? r = hasR ? BinaryPrimitives.ReadUInt64LittleEndian(data[at..]) : null;
        if (hasR) at += 8;
        // After value and the times come id and lost: offsets from the value's position 0.
        return new PerfReadView(data, 1, e, r, 0, size, hasI ? at : -1, hasL ? at + (hasI ? 8 : 0) : -1);
    }
}
