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
