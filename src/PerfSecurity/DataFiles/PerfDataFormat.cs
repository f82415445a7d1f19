namespace PerfSecurity.DataFiles;

/// <summary>Names and numbers of the perf.data format (perf.data-file-format.txt, include/uapi/linux/perf_event.h).</summary>
public static class PerfDataFormat
{
    /// <summary>"PERFILE2" read as a little-endian u64.</summary>
    public const ulong Magic = 0x32454C4946524550;
    /// <summary>The same magic written by a big-endian machine.</summary>
    public const ulong MagicSwapped = 0x50455246494C4532;
    /// <summary>"PERFFILE": the version 1 format, not produced since 2011.</summary>
    public const ulong MagicVersion1 = 0x454C494646524550;

    public const int FileHeaderSize = 104;
    public const int PipeHeaderSize = 16;
    public const int AttrSizeVer0 = 64;
    /// <summary>PERF_ATTR_SIZE_VER8 (config3, Linux 6.3): the largest perf_event_attr a writer can have today.</summary>
    public const int AttrSizeLatest = 136;
    public const int MaxAttrSize = 4096;

    // Record types read in pipe mode.
    public const uint RecordMmap = 1, RecordComm = 3, RecordExit = 4, RecordFork = 7, RecordSample = 9, RecordMmap2 = 10;
    public const uint RecordHeaderAttr = 64, RecordHeaderBuildId = 67, RecordHeaderFeature = 80;

    // Header feature bits.
    public const int FeatTracingData = 1, FeatBuildId = 2, FeatHostname = 3, FeatOsRelease = 4, FeatVersion = 5, FeatArch = 6,
        FeatNrCpus = 7, FeatCpuDesc = 8, FeatCpuId = 9, FeatTotalMem = 10, FeatCmdLine = 11, FeatEventDesc = 12,
        FeatCpuTopology = 13, FeatNumaTopology = 14, FeatBranchStack = 15, FeatPmuMappings = 16, FeatGroupDesc = 17,
        FeatAuxtrace = 18, FeatStat = 19, FeatCache = 20, FeatSampleTime = 21, FeatMemTopology = 22, FeatClockId = 23,
        FeatDirFormat = 24, FeatBpfProgInfo = 25, FeatBpfBtf = 26, FeatCompressed = 27, FeatCpuPmuCaps = 28,
        FeatClockData = 29, FeatHybridTopology = 30, FeatPmuCaps = 31;

    private static readonly string[] FeatureNames =
    {
        "RESERVED", "TRACING_DATA", "BUILD_ID", "HOSTNAME", "OSRELEASE", "VERSION", "ARCH", "NRCPUS", "CPUDESC", "CPUID",
        "TOTAL_MEM", "CMDLINE", "EVENT_DESC", "CPU_TOPOLOGY", "NUMA_TOPOLOGY", "BRANCH_STACK", "PMU_MAPPINGS",
        "GROUP_DESC", "AUXTRACE", "STAT", "CACHE", "SAMPLE_TIME", "MEM_TOPOLOGY", "CLOCKID", "DIR_FORMAT",
        "BPF_PROG_INFO", "BPF_BTF", "COMPRESSED", "CPU_PMU_CAPS", "CLOCK_DATA", "HYBRID_TOPOLOGY", "PMU_CAPS",
    };

    public static string FeatureName(int bit) => bit >= 0 && bit < FeatureNames.Length ? FeatureNames[bit] : $"FEATURE_{bit}";

    // PERF_SAMPLE_* bits, in bit order.
    private static readonly string[] SampleNames =
    {
        "IP", "TID", "TIME", "ADDR", "READ", "CALLCHAIN", "ID", "CPU", "PERIOD", "STREAM_ID", "RAW", "BRANCH_STACK",
        "REGS_USER", "STACK_USER", "WEIGHT", "DATA_SRC", "IDENTIFIER", "TRANSACTION", "REGS_INTR", "PHYS_ADDR", "AUX",
        "CGROUP", "DATA_PAGE_SIZE", "CODE_PAGE_SIZE", "WEIGHT_STRUCT",
    };

    public static string SampleFieldName(int bit) => bit >= 0 && bit < SampleNames.Length ? SampleNames[bit] : $"BIT{bit}";

    /// <summary>The names of the set bits of a sample_type, in bit order.</summary>
    public static IEnumerable<string> SampleFields(ulong sampleType)
    {
        for (int bit = 0; bit < 64; bit++)
            if ((sampleType & (1UL << bit)) != 0) yield return SampleFieldName(bit);
    }

    public static ulong SampleBit(string name)
    {
        int i = Array.IndexOf(SampleNames, name);
        return i < 0 ? throw new ArgumentException($"Unknown sample field {name}", nameof(name)) : 1UL << i;
    }

    // perf_event_attr flag bits (the bitfield after read_format) that make the kernel emit side-band records.
    public static readonly (int Bit, string Name)[] SideBandFlags =
    {
        (8, "mmap"), (9, "comm"), (13, "task"), (17, "mmap_data"), (23, "mmap2"), (24, "comm_exec"),
        (26, "context_switch"), (28, "namespaces"), (29, "ksymbol"), (32, "cgroup"), (33, "text_poke"), (34, "build_id"),
    };
    public const int FlagFreq = 10;

    private static readonly string[] HardwareEvents =
    {
        "cycles", "instructions", "cache-references", "cache-misses", "branches", "branch-misses", "bus-cycles",
        "stalled-cycles-frontend", "stalled-cycles-backend", "ref-cycles",
    };

    private static readonly string[] SoftwareEvents =
    {
        "cpu-clock", "task-clock", "page-faults", "context-switches", "cpu-migrations", "minor-faults", "major-faults",
        "alignment-faults", "emulation-faults", "dummy", "bpf-output", "cgroup-switches",
    };

    /// <summary>A name for an event known only by type and config (files without the EVENT_DESC feature).</summary>
    public static string EventName(uint type, ulong config) => type switch
    {
        0 when config < (ulong)HardwareEvents.Length => HardwareEvents[config],
        1 when config < (ulong)SoftwareEvents.Length => SoftwareEvents[config],
        2 => $"tracepoint:{config}",
        3 => $"hw-cache:0x{config:x}",
        4 => $"raw:0x{config:x}",
        5 => "breakpoint",
        _ => $"type={type},config=0x{config:x}",
    };
}
