using System.Management.Automation;
using PerfSecurity.Capabilities;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsData.ConvertFrom, "PerfSecureBits")]
[OutputType(typeof(SecureBitsValue))]
public sealed class ConvertFromPerfSecureBitsCommand : PerfCmdlet
{
    /// <summary>A number (239, 0xef, 0357 as text) or SECBIT_* names.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("SecureBits", "Value")]
    public string[] InputObject { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        foreach (string s in InputObject)
            Try(() => WriteObject(new SecureBitsValue(SecureBitsText.Parse(s))));
    }
}
