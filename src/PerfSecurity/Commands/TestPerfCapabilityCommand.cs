using System.Management.Automation;
using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsDiagnostic.Test, "PerfCapability", DefaultParameterSetName = PathCapability)]
[OutputType(typeof(bool))]
public sealed class TestPerfCapabilityCommand : FileCapabilityCmdlet
{
    private const string PathCapability = "PathCapability", PathText = "PathText";
    private const string LiteralCapability = "LiteralPathCapability", LiteralText = "LiteralPathText";

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

    /// <summary>The namespace root uid expected (0, the default, also matches revision 2).</summary>
    [Parameter]
    public uint RootId { get; set; }

    private CapabilityState _expected;

    protected override void BeginProcessing()
    {
        try { _expected = DesiredState(Capability, Flag, Text); }
        catch (PerfSecurityException e) { ThrowFailure(e); }
    }

    protected override void ProcessRecord()
    {
        foreach (string path in ResolvePaths(Path, LiteralPath))
        {
            Try(() =>
            {
                var actual = FileCapabilities.Read(path);
                if (actual is null)
                {
                    WriteVerbose($"'{path}' has no file capabilities (no {FileCapabilityData.XattrName} attribute).");
                    WriteObject(false);
                    return;
                }
                bool same = actual.State == _expected && (actual.RootId ?? 0) == RootId;
                if (!same)
                    WriteVerbose($"'{path}' has '{actual.Text}'{(actual.RootId is uint r ? $" [rootid={r}]" : "")}, expected '{CapabilityText.Format(_expected)}'{(RootId != 0 ? $" [rootid={RootId}]" : "")}.");
                WriteObject(same);
            });
        }
    }
}
