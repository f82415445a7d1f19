using System.Buffers.Binary;
using System.Text;
using PerfSecurity.Errors;

namespace PerfSecurity.Tooling;

/// <summary>
/// The parts of an ELF file that say how a program is linked: the DT_NEEDED libraries, the soname,
/// the run paths and the GNU build id. Read from the bytes, so nothing is executed (unlike ldd).
/// </summary>
public sealed class ElfFile
{
    private const int PT_LOAD = 1, PT_DYNAMIC = 2, PT_NOTE = 4;
    private const long DT_NULL = 0, DT_NEEDED = 1, DT_STRTAB = 5, DT_STRSZ = 10, DT_SONAME = 14, DT_RPATH = 15, DT_RUNPATH = 29;
    private const uint NT_GNU_BUILD_ID = 3;
    /// <summary>Larger files are refused rather than read into memory.</summary>
    public const long MaxSize = 1L << 30;

    private ElfFile(bool is64, bool bigEndian, ushort machine, string[] needed, string? soname, string[] runPaths, string? buildId, bool isDynamic)
    {
        Is64Bit = is64;
        IsBigEndian = bigEndian;
        Machine = machine;
        Needed = needed;
        SoName = soname;
        RunPaths = runPaths;
        BuildId = buildId;
        IsDynamic = isDynamic;
    }

    public bool Is64Bit { get; }
    public bool IsBigEndian { get; }
    public ushort Machine { get; }
    /// <summary>The DT_NEEDED entries in file order.</summary>
    public string[] Needed { get; }
    public string? SoName { get; }
    /// <summary>DT_RPATH and DT_RUNPATH, colon lists kept whole.</summary>
    public string[] RunPaths { get; }
    /// <summary>The GNU build id in lower-case hex, or null.</summary>
    public string? BuildId { get; }
    /// <summary>False for a static executable (no PT_DYNAMIC).</summary>
    public bool IsDynamic { get; }

    /// <summary>Whether the first bytes are the ELF magic.</summary>
    public static bool HasElfMagic(ReadOnlySpan<byte> head)
        => head.Length >= 4 && head[0] == 0x7f && head[1] == (byte)'E' && head[2] == (byte)'L' && head[3] == (byte)'F';

    /// <summary>Reads and parses a program; a FIFO, a device or a file over <see cref="MaxSize"/> is refused unread.</summary>
    public static ElfFile Read(string path) => Parse(IO.BoundedFile.ReadAllBytes(path, MaxSize, "PerfToolFile"), path);

    /// <summary>Parses an ELF image; anything malformed ends in PerfToolElfInvalid, never an out-of-range read.</summary>
    public static ElfFile Parse(ReadOnlySpan<byte> b, string? path = null)
    {
        var (is64, big) = ReadIdentification(b, path);
        var r = new Reader(b, big, path);
        ushort machine = r.U16(18);
        Segments segments = ReadProgramHeaders(r, is64);
        string? buildId = null;
        // 65,535 program headers may all name the same large note segment: the bytes walked in all of them together
        // are bounded by the file's length, so that work grows with the file, not with its square.
        ulong budget = (ulong)b.Length;
        foreach (var (offset, size) in segments.Notes) buildId ??= FindBuildId(r, offset, size, ref budget);

        if (segments.Dynamic is not { } dynamic)
            return new ElfFile(is64, big, machine, Array.Empty<string>(), null, Array.Empty<string>(), buildId, false);
        DynamicEntries d = ReadDynamicSection(r, is64, dynamic.Offset, dynamic.Size);
        if (d.Needed.Count + d.RunPaths.Count == 0 && d.SoName is null)
            return new ElfFile(is64, big, machine, Array.Empty<string>(), null, Array.Empty<string>(), buildId, true);

        var (tableStart, tableEnd) = StringTable(r, d, segments.Loads, path);
        var needed = new string[d.Needed.Count];
        for (int i = 0; i < needed.Length; i++) needed[i] = r.CString(tableStart, tableEnd, d.Needed[i]);
        var runPaths = new string[d.RunPaths.Count];
        for (int i = 0; i < runPaths.Length; i++) runPaths[i] = r.CString(tableStart, tableEnd, d.RunPaths[i]);
        string? soname = d.SoName is ulong s ? r.CString(tableStart, tableEnd, s) : null;
        return new ElfFile(is64, big, machine, needed, soname, runPaths, buildId, true);
    }

    /// <summary>The magic, class (32 or 64 bits) and byte order of e_ident, and a header long enough for the class.</summary>
    private static (bool Is64, bool BigEndian) ReadIdentification(ReadOnlySpan<byte> b, string? path)
    {
        if (!HasElfMagic(b))
            throw new PerfSecurityException("PerfToolNotElf", FailureKind.InvalidData,
                $"{Name(path)} is not an ELF file (no \\x7fELF magic){(b.Length >= 2 && b[0] == '#' && b[1] == '!' ? "; it is a script" : "")}.", path);
        if (b.Length < 16) throw Invalid(path, "the identification bytes are cut off");
        bool is64 = b[4] switch { 1 => false, 2 => true, _ => throw Invalid(path, $"unknown class {b[4]}") };
        bool big = b[5] switch { 1 => false, 2 => true, _ => throw Invalid(path, $"unknown data encoding {b[5]}") };
        if (b.Length < (is64 ? 64 : 52)) throw Invalid(path, "the ELF header is cut off");
        return (is64, big);
    }

    /// <summary>The segments that matter here: PT_LOAD (to map addresses to offsets), PT_DYNAMIC and PT_NOTE.</summary>
    private sealed record Segments(List<(ulong VAddr, ulong Offset, ulong FileSize)> Loads, (ulong Offset, ulong Size)? Dynamic, List<(ulong Offset, ulong Size)> Notes);

    private static Segments ReadProgramHeaders(Reader r, bool is64)
    {
        ulong phoff = is64 ? r.U64(32) : r.U32(28);
        int phentsize = r.U16(is64 ? 54 : 42);
        int phnum = r.U16(is64 ? 56 : 44);
        int minEntry = is64 ? 56 : 32;
        if (phnum > 0 && phentsize < minEntry) throw Invalid(r.Path, $"program header entries of {phentsize} bytes are too small");

        var segments = new Segments(new(), null, new());
        for (int i = 0; i < phnum; i++)
        {
            ulong at = phoff + (ulong)(i * phentsize);
            r.Require(at, (ulong)minEntry, "a program header");
            int o = (int)at;
            uint type = r.U32(o);
            ulong offset, vaddr, filesz;
            if (is64) { offset = r.U64(o + 8); vaddr = r.U64(o + 16); filesz = r.U64(o + 32); }
            else { offset = r.U32(o + 4); vaddr = r.U32(o + 8); filesz = r.U32(o + 16); }
            switch (type)
            {
                case PT_LOAD: segments.Loads.Add((vaddr, offset, filesz)); break;
                case PT_DYNAMIC: segments = segments with { Dynamic = (offset, filesz) }; break;
                case PT_NOTE: segments.Notes.Add((offset, filesz)); break;
            }
        }
        return segments;
    }

    /// <summary>What the dynamic section names, as offsets into its string table (an address, DT_STRTAB).</summary>
    private sealed record DynamicEntries(List<ulong> Needed, List<ulong> RunPaths, ulong? StrTab, ulong StrSize, ulong? SoName);

    private static DynamicEntries ReadDynamicSection(Reader r, bool is64, ulong dynOffset, ulong dynSize)
    {
        r.Require(dynOffset, dynSize, "the dynamic section");
        int entrySize = is64 ? 16 : 8;
        var d = new DynamicEntries(new(), new(), null, 0, null);
        for (ulong at = dynOffset; at + (ulong)entrySize <= dynOffset + dynSize; at += (ulong)entrySize)
        {
            int o = (int)at;
            long tag = is64 ? (long)r.U64(o) : (int)r.U32(o);
            ulong val = is64 ? r.U64(o + 8) : r.U32(o + 4);
            if (tag == DT_NULL) break;
            switch (tag)
            {
                case DT_NEEDED: d.Needed.Add(val); break;
                case DT_STRTAB: d = d with { StrTab = val }; break;
                case DT_STRSZ: d = d with { StrSize = val }; break;
                case DT_SONAME: d = d with { SoName = val }; break;
                case DT_RPATH or DT_RUNPATH: d.RunPaths.Add(val); break;
            }
        }
        return d;
    }

    /// <summary>The file offsets where the dynamic string table starts and ends.</summary>
    private static (ulong Start, ulong End) StringTable(Reader r, DynamicEntries d, List<(ulong VAddr, ulong Offset, ulong FileSize)> loads, string? path)
    {
        if (d.StrTab is not ulong strtab) throw Invalid(path, "the dynamic section has no string table (DT_STRTAB)");
        // DT_STRTAB holds an address: map it to a file offset through the PT_LOAD segment that contains it.
        ulong? start = null;
        foreach (var (vaddr, offset, filesz) in loads)
        {
            if (strtab >= vaddr && strtab < vaddr + filesz) { start = offset + (strtab - vaddr); break; }
        }
        // Unrelocated shared objects and some tools put an offset there already.
        if (start is null && loads.Count == 0) start = strtab;
        if (start is not ulong tableStart) throw Invalid(path, $"the string table address 0x{strtab:x} lies outside every loaded segment");
        ulong tableEnd = d.StrSize > 0 ? tableStart + d.StrSize : (ulong)r.Length;
        r.Require(tableStart, tableEnd - tableStart, "the dynamic string table");
        return (tableStart, tableEnd);
    }

    private static string? FindBuildId(Reader r, ulong offset, ulong size, ref ulong budget)
    {
        if (offset > (ulong)r.Length || size > (ulong)r.Length - offset) return null; // a broken note is not worth failing for
        ulong at = offset, end = offset + size;
        while (at + 12 <= end)
        {
            uint namesz = r.U32((int)at), descsz = r.U32((int)at + 4), type = r.U32((int)at + 8);
            ulong name = at + 12;
            ulong desc = name + Align4(namesz);
            ulong next = desc + Align4(descsz);
            if (next > end || next <= at || next - at > budget) return null;
            budget -= next - at;
            if (type == NT_GNU_BUILD_ID && namesz == 4 && r.Slice(name, 4).SequenceEqual("GNU\0"u8))
                return Convert.ToHexString(r.Slice(desc, descsz)).ToLowerInvariant();
            at = next;
        }
        return null;
    }

    private static ulong Align4(ulong v) => (v + 3) & ~3UL;

    private static string Name(string? path) => path is null ? "The data" : $"'{path}'";

    private static PerfSecurityException Invalid(string? path, string why)
        => new("PerfToolElfInvalid", FailureKind.InvalidData, $"{Name(path)} is not a valid ELF file: {why}.", path);

    /// <summary>Bounds-checked reads in the file's byte order.</summary>
    private readonly ref struct Reader
    {
        private readonly ReadOnlySpan<byte> _b;
        private readonly bool _big;
        private readonly string? _path;

        public Reader(ReadOnlySpan<byte> b, bool big, string? path) { _b = b; _big = big; _path = path; }

        public int Length => _b.Length;
        public string? Path => _path;

        public void Require(ulong offset, ulong size, string what)
        {
            if (offset > (ulong)_b.Length || size > (ulong)_b.Length - offset)
                throw Invalid(_path, $"{what} (offset {offset}, {size} bytes) lies beyond the end of the file ({_b.Length} bytes)");
        }

        public ReadOnlySpan<byte> Slice(ulong offset, ulong size)
        {
            Require(offset, size, "a field");
            return _b.Slice((int)offset, (int)size);
        }

        public ushort U16(int o) { Require((ulong)o, 2, "a field"); return _big ? BinaryPrimitives.ReadUInt16BigEndian(_b[o..]) : BinaryPrimitives.ReadUInt16LittleEndian(_b[o..]); }
        public uint U32(int o) { Require((ulong)o, 4, "a field"); return _big ? BinaryPrimitives.ReadUInt32BigEndian(_b[o..]) : BinaryPrimitives.ReadUInt32LittleEndian(_b[o..]); }
        public ulong U64(int o) { Require((ulong)o, 8, "a field"); return _big ? BinaryPrimitives.ReadUInt64BigEndian(_b[o..]) : BinaryPrimitives.ReadUInt64LittleEndian(_b[o..]); }

        public string CString(ulong tableStart, ulong tableEnd, ulong index)
        {
            if (index >= tableEnd - tableStart) throw Invalid(_path, $"a string index ({index}) lies outside the string table");
            var s = _b[(int)(tableStart + index)..(int)tableEnd];
            int nul = s.IndexOf((byte)0);
            if (nul < 0) throw Invalid(_path, "a string in the string table has no terminating NUL");
            return Encoding.UTF8.GetString(s[..nul]);
        }
    }
}
