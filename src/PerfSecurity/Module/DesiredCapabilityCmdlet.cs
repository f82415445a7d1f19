using System.Management.Automation;

namespace PerfSecurity.Module;

/// <summary>
/// The files and the wanted capability state shared by Set- and Test-PerfCapability:
/// -Path/-LiteralPath with either -Capability (and -Flag) or libcap's text form (-Text).
/// </summary>
public abstract class DesiredCapabilityCmdlet : FileCapabilityCmdlet
{
    public const string PathCapability = "PathCapability", PathText = "PathText";
    public const string LiteralCapability = "LiteralPathCapability", LiteralText = "LiteralPathText";

    [Parameter(ParameterSetName = PathCapability, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = PathText, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    [Parameter(ParameterSetName = LiteralCapability, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = LiteralText, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    [Parameter(ParameterSetName = PathCapability, Mandatory = true, Position = 1)]
    [Parameter(ParameterSetName = LiteralCapability, Mandatory = true, Position = 1)]
    [AllowEmptyCollection]
    [ArgumentCompleter(typeof(CapabilityNameCompleter))]
    public string[]? Capability { get; set; }

    [Parameter(ParameterSetName = PathCapability)]
    [Parameter(ParameterSetName = LiteralCapability)]
    [ValidateNotNullOrEmpty]
    public string Flag { get; set; } = "ep";

    [Parameter(ParameterSetName = PathText, Mandatory = true)]
    [Parameter(ParameterSetName = LiteralText, Mandatory = true)]
    [AllowEmptyString]
    public string? Text { get; set; }
}
