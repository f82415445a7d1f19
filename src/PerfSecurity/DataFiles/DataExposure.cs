namespace PerfSecurity;

/// <summary>Which of the kernel document's four data categories a perf.data file holds, and who can read it.</summary>
public sealed class DataExposure
{
    internal DataExposure(string path, string owner, string group, uint uid, uint gid, uint permissions, string modeSymbolic,
        bool readableByOthers, string readableBy, int[] categories, string[] categoryEvidence, DataExposureRisk risk, string riskReason,
        bool pipeMode, string? hostname, string? osRelease, string? perfVersion, string? architecture, string? cpuDescription,
        string? cmdLine, string[] events, string[] sampleFields, string[] features, long dataSize, int buildIdCount)
    {
        Path = path;
        Owner = owner;
        Group = group;
        Uid = uid;
        Gid = gid;
        Mode = Convert.ToString(permissions, 8).PadLeft(4, '0');
        ModeSymbolic = modeSymbolic;
        ReadableByOthers = readableByOthers;
        ReadableBy = readableBy;
        Categories = categories;
        CategoryEvidence = categoryEvidence;
        Risk = risk;
        RiskReason = riskReason;
        PipeMode = pipeMode;
        Hostname = hostname;
        OsRelease = osRelease;
        PerfVersion = perfVersion;
        Architecture = architecture;
        CpuDescription = cpuDescription;
        CmdLine = cmdLine;
        Events = events;
        SampleFields = sampleFields;
        Features = features;
        DataSize = dataSize;
        BuildIdCount = buildIdCount;
    }

    public string Path { get; }
    public string Owner { get; }
    public string Group { get; }
    public uint Uid { get; }
    public uint Gid { get; }
    /// <summary>Permission bits in octal, e.g. "0600".</summary>
    public string Mode { get; }
    /// <summary>The ls -l form, e.g. "-rw-------".</summary>
    public string ModeSymbolic { get; }
    /// <summary>Someone other than its owner (and root) can read it: the other-read bit, or group-read with other members.</summary>
    public bool ReadableByOthers { get; }
    /// <summary>Who besides the owner can read it, in words.</summary>
    public string ReadableBy { get; }
    /// <summary>The categories (1–4) of the kernel document that the file holds.</summary>
    public int[] Categories { get; }
    /// <summary>One line per category present: what in the file puts it there.</summary>
    public string[] CategoryEvidence { get; }
    public DataExposureRisk Risk { get; }
    public string RiskReason { get; }
    /// <summary>Written by perf record -o - (pipe mode): header data comes from records before the first sample.</summary>
    public bool PipeMode { get; }
    public string? Hostname { get; }
    public string? OsRelease { get; }
    public string? PerfVersion { get; }
    public string? Architecture { get; }
    public string? CpuDescription { get; }
    public string? CmdLine { get; }
    public string[] Events { get; }
    /// <summary>The PERF_SAMPLE_* fields recorded by any event, without the prefix.</summary>
    public string[] SampleFields { get; }
    /// <summary>The header features present (HOSTNAME, BUILD_ID, ...).</summary>
    public string[] Features { get; }
    /// <summary>Bytes of event records (not read).</summary>
    public long DataSize { get; }
    /// <summary>Executables and libraries named with their build ids.</summary>
    public int BuildIdCount { get; }
}
