namespace PerfSecurity;

/// <summary>What kind of perf a host has and what that means for the capability setup of the kernel guide.</summary>
public sealed class PerfToolInfo
{
    public PerfToolInfo(string path, string realBinary, bool isScript, string[] chain, string? version, string? buildId, bool? linksLibcap,
        string[] needed, string? libcapPath, string? libcapVersion, bool? libcapKnowsPerfmon, string? fileCapabilities, string[] consequences, string? notRunReason = null)
    {
        Path = path;
        RealBinary = realBinary;
        IsScript = isScript;
        Chain = chain;
        Version = version;
        BuildId = buildId;
        LinksLibcap = linksLibcap;
        Needed = needed;
        LibcapPath = libcapPath;
        LibcapVersion = libcapVersion;
        LibcapKnowsPerfmon = libcapKnowsPerfmon;
        FileCapabilities = fileCapabilities;
        Consequences = consequences;
        NotRunReason = notRunReason;
    }

    /// <summary>The perf that was asked about (the one found on PATH by default).</summary>
    public string Path { get; }
    /// <summary>The ELF program that runs in the end: the path itself, or the target of a wrapper script's exec line.</summary>
    public string RealBinary { get; }
    /// <summary>Whether <see cref="Path"/> is a script (#!): file capabilities on it would be ignored by the kernel.</summary>
    public bool IsScript { get; }
    /// <summary>Path, then every script or link followed to reach RealBinary.</summary>
    public string[] Chain { get; }
    /// <summary>The version perf reports (perf --version), or "build-id &lt;hex&gt;" when perf could not run.</summary>
    public string? Version { get; }
    public string? BuildId { get; }
    /// <summary>Whether the real binary names libcap in its DT_NEEDED entries; null when it could not be read.</summary>
    public bool? LinksLibcap { get; }
    /// <summary>The DT_NEEDED entries of the real binary.</summary>
    public string[] Needed { get; }
    /// <summary>The system's libcap.so.2 file (its real file, symlinks followed).</summary>
    public string? LibcapPath { get; }
    /// <summary>The system libcap version, from its real file name (libcap.so.2.66 → 2.66).</summary>
    public string? LibcapVersion { get; }
    /// <summary>Whether the system libcap knows the name cap_perfmon (2.36 and later); null when no libcap was found.</summary>
    public bool? LibcapKnowsPerfmon { get; }
    /// <summary>The real binary's file capabilities as getcap prints them, or null when it has none.</summary>
    public string? FileCapabilities { get; }
    /// <summary>What the findings mean for setcap, perf's default event and where capabilities must go.</summary>
    public string[] Consequences { get; }
    /// <summary>Why the program was not run for its version although asked to (someone other than root could change it), or null.</summary>
    public string? NotRunReason { get; }
}
