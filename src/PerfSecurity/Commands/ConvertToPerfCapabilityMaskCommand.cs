using System.Management.Automation;
using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsData.ConvertTo, "PerfCapabilityMask")]
[OutputType(typeof(CapabilityMask))]
public sealed class ConvertToPerfCapabilityMaskCommand : PerfCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name", "Names")]
    [AllowEmptyCollection]
    [ArgumentCompleter(typeof(CapabilityNameCompleter))]
    public string[] Capability { get; set; } = Array.Empty<string>();

    private ulong _mask;
    private bool _failed;

    // Pipeline items add up to one mask, as a list given as argument does.
    protected override void ProcessRecord()
    {
        try { _mask |= CapabilitySet.Parse(Capability).Mask; }
        catch (PerfSecurityException e) { _failed = true; WriteFailure(e); }
    }

    protected override void EndProcessing()
    {
        if (!_failed) WriteObject(new CapabilityMask(new CapabilitySet(_mask)));
    }
}
