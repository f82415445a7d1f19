namespace PerfSecurity.DataFiles;

/// <summary>One perf_event_attr of a perf.data file: the fields that decide what its samples hold.</summary>
public sealed class RecordedEventAttr
{
    public uint Type { get; init; }
    public uint Size { get; init; }
    public ulong Config { get; init; }
    public ulong SamplePeriodOrFrequency { get; init; }
    public ulong SampleType { get; init; }
    public ulong ReadFormat { get; init; }
    public ulong Flags { get; init; }
    public ulong SampleRegsUser { get; init; }
    public uint SampleStackUser { get; init; }
    public ulong SampleRegsIntr { get; init; }
    /// <summary>The name from the EVENT_DESC feature, when the file has one.</summary>
    public string? Name { get; set; }

    public bool HasFlag(int bit) => (Flags & (1UL << bit)) != 0;
    public bool IsFrequency => HasFlag(PerfDataFormat.FlagFreq);
    /// <summary>An event that only counts (perf stat record): no sampling period or frequency.</summary>
    public bool IsCounting => SamplePeriodOrFrequency == 0 && !IsFrequency;
    public string DisplayName => Name ?? PerfDataFormat.EventName(Type, Config);
}

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
