using System.Management.Automation;
using PerfSecurity.Errors;
using PerfSecurity.Module;
using PerfSecurity.Settings;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsCommon.Get, "PerfParanoid")]
[OutputType(typeof(ParanoidSetting))]
public sealed class GetPerfParanoidCommand : PerfCmdlet
{
    /// <summary>Root of an offline system image whose persisted configuration is read instead of /.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Root { get; set; } = "/";

    /// <summary>Follow these rules for the next boot instead of those of the boot path the system uses.</summary>
    [Parameter]
    public BootPath BootPath { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            WriteObject(KernelSettings.GetParanoid(ResolveDirectory(Root), MyInvocation.BoundParameters.ContainsKey(nameof(BootPath)) ? BootPath : null));
        }
        catch (PerfSecurityException e)
        {
            ThrowFailure(e);
        }
    }
}
