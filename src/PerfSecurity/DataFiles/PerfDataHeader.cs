namespace PerfSecurity.DataFiles;

/// <summary>What the header of a perf.data file says, read without its sample data.</summary>
public sealed class PerfDataHeader
{
    public bool PipeMode { get; set; }
    public long FileLength { get; set; }
    public long DataOffset { get; set; }
    public long DataSize { get; set; }
    public List<RecordedEventAttr> Attributes { get; } = new();
    /// <summary>Feature bits present (file mode: the header bitmap; pipe mode: HEADER_FEATURE records seen).</summary>
    public SortedSet<int> Features { get; } = new();
    public string? Hostname { get; set; }
    public string? OsRelease { get; set; }
    public string? PerfVersion { get; set; }
    public string? Architecture { get; set; }
    public string? CpuDescription { get; set; }
    public string? CpuId { get; set; }
    public string? CmdLine { get; set; }
    public uint? CpusOnline { get; set; }
    public uint? CpusAvailable { get; set; }
    public ulong? TotalMemoryKB { get; set; }
    public ulong? FirstSampleTime { get; set; }
    public ulong? LastSampleTime { get; set; }
    /// <summary>File names of the BUILD_ID entries (at most <see cref="PerfDataParser.MaxBuildIdPaths"/> kept).</summary>
    public List<string> BuildIdPaths { get; } = new();
    public int BuildIdCount { get; set; }
    /// <summary>Pipe mode only: MMAP/MMAP2/COMM/FORK/EXIT records met before the first sample.</summary>
    public int SideBandRecords { get; set; }
}
