using System.Buffers.Binary;
using System.Text;
using PerfSecurity.Errors;

namespace PerfSecurity.DataFiles;

/// <summary>
/// Reads the header, attributes and feature sections of a perf.data file, never its sample data.
/// The file is untrusted: every offset and size is checked against the real length before use,
/// nothing is allocated by a size field alone, and every loop advances.
/// </summary>
public static class PerfDataParser
{
    public const int MaxBuildIdPaths = 256;
    private const int MaxString = 1 << 20;
    private const int MaxAttributes = 1 << 16;
    private const int MaxPipeRecords = 1 << 20;
    // A feature section this module parses (command line, event descriptions, build ids) is small in every real file;
    // a sparse file can declare one of any size, whose zeros would each be a field to read: loops are bounded by these.
    private const long MaxParsedSection = 16L << 20;
    private const int MaxArguments = 1 << 20;

    public static PerfDataHeader Parse(IByteSource source, string path)
    {
        var ctx = new Context(source, path);
        if (source.Length == 0)
            throw NotPerfFile(path, "it is empty (perf: \"zero-sized data, nothing to do\"); files of /proc and /sys show no size and are never perf.data files");
        if (source.Length < PerfDataFormat.PipeHeaderSize)
        {
            // Short files are cut-short recordings only if what they have starts like one.
            Span<byte> start = stackalloc byte[(int)source.Length];
            ctx.ReadExact(0, start);
            if (!"PERFILE2"u8.StartsWith(start[..Math.Min(start.Length, 8)]))
                throw NotPerfFile(path);
            throw ctx.Truncated($"it has {source.Length} bytes, fewer than the 16 of a perf.data magic and header size");
        }

        ulong magic = ctx.U64(0);
        if (magic == PerfDataFormat.MagicSwapped)
            throw new PerfSecurityException("PerfDataForeignEndian", FailureKind.NotImplemented,
                $"'{path}' was recorded on a big-endian machine; read it there (perf report --header-only) or convert it with perf inject.", path);
        if (magic == PerfDataFormat.MagicVersion1)
            throw new PerfSecurityException("PerfDataVersionNotSupported", FailureKind.NotImplemented,
                $"'{path}' is in the perf.data version 1 format (PERFFILE), which perf has not written since 2011.", path);
        if (magic != PerfDataFormat.Magic) throw NotPerfFile(path);

        ulong headerSize = ctx.U64(8);
        var header = new PerfDataHeader { FileLength = source.Length };
        if (headerSize == PerfDataFormat.PipeHeaderSize)
        {
            if (source.Length == PerfDataFormat.PipeHeaderSize)
                throw NotPerfFile(path, "it holds a pipe-mode header and not one record after it: no event, no sample (perf report: \"has no samples\")");
            header.PipeMode = true;
            ParsePipe(ctx, header);
        }
        else
        {
            if (headerSize < PerfDataFormat.FileHeaderSize || headerSize > 4096)
                throw ctx.Invalid($"its header size field is {headerSize}; perf writes 16 (pipe mode) or 104");
            if ((ulong)source.Length < headerSize)
                throw ctx.Truncated($"it has {source.Length} bytes, fewer than its {headerSize}-byte header");
            ParseFile(ctx, header);
        }
        return header;
    }

    private static PerfSecurityException NotPerfFile(string path, string why = "it does not start with the magic PERFILE2")
        => new("PerfDataNotPerfFile", FailureKind.InvalidData, $"'{path}' is not a perf.data file: {why}.", path);

    private static void ParseFile(Context ctx, PerfDataHeader header)
    {
        ulong attrSize = ctx.U64(16);
        var attrs = ctx.Section(24, "attribute");
        var data = ctx.Section(40, "data");
        header.DataOffset = data.Offset;
        header.DataSize = data.Size;

        if (attrSize < PerfDataFormat.AttrSizeVer0 + 16 || attrSize > PerfDataFormat.MaxAttrSize + 16)
            throw ctx.Invalid($"its attribute entry size is {attrSize}; it must be between {PerfDataFormat.AttrSizeVer0 + 16} and {PerfDataFormat.MaxAttrSize + 16}");
        if (attrs.Size % (long)attrSize != 0)
            throw ctx.Invalid($"its attribute section ({attrs.Size} bytes) is not a whole number of {attrSize}-byte entries");
        long count = attrs.Size / (long)attrSize;
        if (count > MaxAttributes) throw ctx.Invalid($"it declares {count} events");
        for (long i = 0; i < count; i++)
        {
            long at = attrs.Offset + i * (long)attrSize;
            header.Attributes.Add(ReadAttribute(ctx, at, (int)attrSize - 16, $"event {i}"));
            ctx.Section(at + (long)attrSize - 16, $"id list of event {i}");
        }

        // The feature bitmap: bits 0..255 of flags and flags1[3].
        var bits = new List<int>();
        for (int word = 0; word < 4; word++)
        {
            ulong v = ctx.U64(72 + word * 8);
            for (int b = 0; b < 64; b++)
                if ((v & (1UL << b)) != 0 && word * 64 + b != 0) bits.Add(word * 64 + b);
        }

        long table = data.Offset + data.Size;
        long tableEnd = table + bits.Count * 16L;
        if (tableEnd > ctx.Length)
            throw ctx.Truncated($"its {bits.Count} feature sections are described at bytes {table}-{tableEnd}, past its end at {ctx.Length} (the data section or what follows it is cut short)");
        for (int i = 0; i < bits.Count; i++)
        {
            int bit = bits[i];
            string name = PerfDataFormat.FeatureName(bit);
            var s = ctx.Section(table + i * 16L, $"{name} feature");
            if (s.Size > MaxParsedSection && bit is PerfDataFormat.FeatCmdLine or PerfDataFormat.FeatEventDesc or PerfDataFormat.FeatBuildId)
                throw ctx.Invalid($"its {name} feature section claims {s.Size} bytes; perf writes far less than {MaxParsedSection}");
            header.Features.Add(bit);
            ParseFeature(ctx, header, bit, new Cursor(ctx, s.Offset, s.Size, $"{name} feature"));
        }
    }

    private static void ParsePipe(Context ctx, PerfDataHeader header)
    {
        long pos = PerfDataFormat.PipeHeaderSize;
        int records = 0;
        Span<byte> h = stackalloc byte[8];
        while (pos < ctx.Length)
        {
            if (++records > MaxPipeRecords)
                throw ctx.Invalid($"no sample after {MaxPipeRecords} header records");
            if (pos + 8 > ctx.Length)
                throw ctx.Truncated($"the record at byte {pos} is cut short");
            ctx.ReadExact(pos, h);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(h);
            int size = BinaryPrimitives.ReadUInt16LittleEndian(h[6..]);
            if (size < 8) throw ctx.Invalid($"the record at byte {pos} has size {size}, less than its own 8-byte header");
            if (pos + size > ctx.Length) throw ctx.Truncated($"the record at byte {pos} ({size} bytes) runs past the end at {ctx.Length}");

            if (type == PerfDataFormat.RecordSample) break;
            switch (type)
            {
                case PerfDataFormat.RecordHeaderAttr:
                    if (size < 8 + PerfDataFormat.AttrSizeVer0)
                        throw ctx.Invalid($"the attribute record at byte {pos} has only {size} bytes");
                    header.Attributes.Add(ReadAttribute(ctx, pos + 8, size - 8, $"attribute record at byte {pos}"));
                    break;
                case PerfDataFormat.RecordHeaderFeature:
                {
                    if (size < 16) throw ctx.Invalid($"the feature record at byte {pos} has only {size} bytes");
                    ulong id = ctx.U64(pos + 8);
                    if (id is > 0 and < 256)
                    {
                        int bit = (int)id;
                        string name = PerfDataFormat.FeatureName(bit);
                        header.Features.Add(bit);
                        ParseFeature(ctx, header, bit, new Cursor(ctx, pos + 16, size - 16, $"{name} feature record at byte {pos}"));
                    }
                    break;
                }
                case PerfDataFormat.RecordHeaderBuildId:
                    ReadBuildIds(header, new Cursor(ctx, pos, size, $"build id record at byte {pos}"));
                    break;
                case PerfDataFormat.RecordMmap or PerfDataFormat.RecordMmap2 or PerfDataFormat.RecordComm
                    or PerfDataFormat.RecordFork or PerfDataFormat.RecordExit:
                    header.SideBandRecords++;
                    break;
            }
            pos += size;
        }
        header.DataOffset = PerfDataFormat.PipeHeaderSize;
        header.DataSize = ctx.Length - PerfDataFormat.PipeHeaderSize;
    }

    private static RecordedEventAttr ReadAttribute(Context ctx, long at, int available, string what)
    {
        // Fields past the bytes the writer had (older, smaller attrs) read as zero, as the kernel treats them.
        var buf = new byte[Math.Min(available, PerfDataFormat.MaxAttrSize)];
        ctx.ReadExact(at, buf);
        ulong U64(int off) => off + 8 <= buf.Length ? BinaryPrimitives.ReadUInt64LittleEndian(buf.AsSpan(off)) : 0;
        uint U32(int off) => off + 4 <= buf.Length ? BinaryPrimitives.ReadUInt32LittleEndian(buf.AsSpan(off)) : 0;
        uint declared = U32(4);
        // perf refuses an attr larger than its own struct ("incompatible file format"); 0 means the first ABI.
        if (declared != 0 && (declared < PerfDataFormat.AttrSizeVer0 || declared > PerfDataFormat.AttrSizeLatest))
            throw ctx.Invalid($"{what} declares an attribute size of {declared} bytes; perf_event_attr has {PerfDataFormat.AttrSizeVer0} to {PerfDataFormat.AttrSizeLatest} (perf: incompatible file format)");
        if (declared > available)
            throw ctx.Invalid($"{what} declares an attribute size of {declared} bytes in an entry of {available}");
        return new RecordedEventAttr
        {
            Type = U32(0), Size = declared, Config = U64(8), SamplePeriodOrFrequency = U64(16), SampleType = U64(24),
            ReadFormat = U64(32), Flags = U64(40), SampleRegsUser = U64(80), SampleStackUser = U32(88), SampleRegsIntr = U64(96),
        };
    }

    private static void ParseFeature(Context ctx, PerfDataHeader header, int bit, Cursor c)
    {
        switch (bit)
        {
            case PerfDataFormat.FeatHostname: header.Hostname = c.String(); break;
            case PerfDataFormat.FeatOsRelease: header.OsRelease = c.String(); break;
            case PerfDataFormat.FeatVersion: header.PerfVersion = c.String(); break;
            case PerfDataFormat.FeatArch: header.Architecture = c.String(); break;
            case PerfDataFormat.FeatCpuDesc: header.CpuDescription = c.String(); break;
            case PerfDataFormat.FeatCpuId: header.CpuId = c.String(); break;
            case PerfDataFormat.FeatNrCpus:
                header.CpusOnline = c.U32();
                header.CpusAvailable = c.U32();
                break;
            case PerfDataFormat.FeatTotalMem: header.TotalMemoryKB = c.U64(); break;
            case PerfDataFormat.FeatSampleTime:
                header.FirstSampleTime = c.U64();
                header.LastSampleTime = c.U64();
                break;
            case PerfDataFormat.FeatCmdLine:
            {
                uint nr = c.U32();
                if (nr > c.Remaining / 4 || nr > MaxArguments) throw c.Invalid($"it declares {nr} arguments in {c.Remaining} bytes");
                var parts = new List<string>((int)nr);
                for (uint i = 0; i < nr; i++) parts.Add(c.String());
                header.CmdLine = string.Join(' ', parts);
                break;
            }
            case PerfDataFormat.FeatEventDesc: ReadEventDesc(header, c); break;
            case PerfDataFormat.FeatBuildId: ReadBuildIds(header, c); break;
        }
    }

    private static void ReadEventDesc(PerfDataHeader header, Cursor c)
    {
        uint nr = c.U32();
        uint attrSize = c.U32();
        if (attrSize < PerfDataFormat.AttrSizeVer0 || attrSize > PerfDataFormat.MaxAttrSize)
            throw c.Invalid($"its attribute size is {attrSize}");
        if (nr > c.Remaining / (attrSize + 8) || nr > MaxAttributes)
            throw c.Invalid($"it declares {nr} events in {c.Remaining} bytes");
        for (uint i = 0; i < nr; i++)
        {
            c.Skip(attrSize);
            uint ids = c.U32();
            string name = c.String();
            if (ids > c.Remaining / 8) throw c.Invalid($"event {i} declares {ids} ids in {c.Remaining} bytes");
            c.Skip(ids * 8L);
            // The descriptions follow the order of the attribute section.
            if (i < header.Attributes.Count) header.Attributes[(int)i].Name = name;
        }
    }

    private static void ReadBuildIds(PerfDataHeader header, Cursor c)
    {
        // struct build_id_event: perf_event_header, pid, 24 bytes of build id, then the NUL-padded file name.
        const int FixedPart = 8 + 4 + 24;
        while (c.Remaining > 0)
        {
            long start = c.Position;
            c.U32();
            c.U16();
            int size = c.U16();
            if (size < FixedPart) throw c.Invalid($"the entry at byte {start} has size {size}, less than {FixedPart}");
            if (size > c.Remaining + 8) throw c.Invalid($"the entry at byte {start} ({size} bytes) runs past the section");
            c.Skip(4 + 24);
            string name = c.FixedString(size - FixedPart);
            header.BuildIdCount++;
            if (header.BuildIdPaths.Count < MaxBuildIdPaths) header.BuildIdPaths.Add(name);
        }
    }

    internal readonly record struct Section(long Offset, long Size);

    internal sealed class Context
    {
        private readonly IByteSource _source;
        public Context(IByteSource source, string path) { _source = source; Path = path; }
        public string Path { get; }
        public long Length => _source.Length;

        public void ReadExact(long offset, Span<byte> buffer)
        {
            if (offset < 0 || offset + buffer.Length > Length)
                throw Truncated($"{buffer.Length} bytes at offset {offset} lie past its end at {Length}");
            if (_source.Read(offset, buffer) != buffer.Length)
                throw Truncated($"it ended while reading {buffer.Length} bytes at offset {offset} (the file shrank)");
        }

        public ulong U64(long offset)
        {
            Span<byte> b = stackalloc byte[8];
            ReadExact(offset, b);
            return BinaryPrimitives.ReadUInt64LittleEndian(b);
        }

        /// <summary>A perf_file_section {offset, size} that must lie inside the file.</summary>
        public Section Section(long at, string what)
        {
            ulong offset = U64(at), size = U64(at + 8);
            // Values no file can reach are corruption; anything else past the end is a cut-short file.
            if (offset > long.MaxValue / 4 || size > long.MaxValue / 4)
                throw Invalid($"its {what} section claims {size} bytes at offset {offset}");
            if (offset + size > (ulong)Length)
                throw Truncated($"its {what} section ({size} bytes at offset {offset}) ends at {offset + size}, past its end at {Length}");
            return new Section((long)offset, (long)size);
        }

        public PerfSecurityException Truncated(string why)
            => new("PerfDataTruncated", FailureKind.InvalidData, $"'{Path}' is truncated: {why}. Record it again or restore a complete copy.", Path);

        public PerfSecurityException Invalid(string why)
            => new("PerfDataInvalid", FailureKind.InvalidData, $"'{Path}' is corrupt: {why}.", Path);
    }

    /// <summary>Reads fields of one section, never past its end.</summary>
    internal sealed class Cursor
    {
        private readonly Context _ctx;
        private readonly long _end;
        private readonly string _what;

        public Cursor(Context ctx, long offset, long size, string what)
        {
            _ctx = ctx;
            Position = offset;
            _end = offset + size;
            _what = what;
        }

        public long Position { get; private set; }
        public long Remaining => _end - Position;

        private void Need(long n)
        {
            if (n < 0 || n > Remaining) throw Invalid($"it needs {n} more bytes at offset {Position} but only {Remaining} remain");
        }

        public void Skip(long n) { Need(n); Position += n; }

        public ulong U64() { Need(8); ulong v = _ctx.U64(Position); Position += 8; return v; }

        public uint U32()
        {
            Need(4);
            Span<byte> b = stackalloc byte[4];
            _ctx.ReadExact(Position, b);
            Position += 4;
            return BinaryPrimitives.ReadUInt32LittleEndian(b);
        }

        public ushort U16()
        {
            Need(2);
            Span<byte> b = stackalloc byte[2];
            _ctx.ReadExact(Position, b);
            Position += 2;
            return BinaryPrimitives.ReadUInt16LittleEndian(b);
        }

        /// <summary>A perf_header_string: u32 length, then that many bytes, NUL-padded.</summary>
        public string String()
        {
            uint len = U32();
            if (len > Remaining || len > MaxString) throw Invalid($"a string of {len} bytes is declared where {Remaining} remain");
            return FixedString((int)len);
        }

        public string FixedString(int len)
        {
            Need(len);
            var b = new byte[len];
            _ctx.ReadExact(Position, b);
            Position += len;
            int nul = Array.IndexOf(b, (byte)0);
            return Encoding.UTF8.GetString(b, 0, nul < 0 ? len : nul);
        }

        public PerfSecurityException Invalid(string why) => _ctx.Invalid($"in its {_what}, {why}");
    }
}
