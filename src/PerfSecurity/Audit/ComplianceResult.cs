namespace PerfSecurity;

/// <summary>The outcome of a run of the shipped compliance suite: one Pester test per finding.</summary>
public sealed class ComplianceResult
{
    public ComplianceResult(string profile, int passed, int failed, int skipped, int inconclusive, string? outputPath, string? outputFormat, TimeSpan duration)
    {
        Profile = profile;
        Passed = passed;
        Failed = failed;
        Skipped = skipped;
        Inconclusive = inconclusive;
        OutputPath = outputPath;
        OutputFormat = outputFormat;
        Duration = duration;
    }

    /// <summary>The suite that ran and where it ships in the module folder.</summary>
    public const string SuiteRelativePath = "Compliance/PerfSecurity.Compliance.Tests.ps1";

    public string Profile { get; }
    /// <summary>True when no finding failed (warnings are inconclusive, NotApplicable findings skipped).</summary>
    public bool Compliant => Failed == 0;
    public int Passed { get; }
    /// <summary>Findings with Status Fail.</summary>
    public int Failed { get; }
    /// <summary>Findings with Status NotApplicable.</summary>
    public int Skipped { get; }
    /// <summary>Findings with Status Warning.</summary>
    public int Inconclusive { get; }
    /// <summary>The test result file written (full path), or null when none was asked for.</summary>
    public string? OutputPath { get; }
    public string? OutputFormat { get; }
    public TimeSpan Duration { get; }
}
