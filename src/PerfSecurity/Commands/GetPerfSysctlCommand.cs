using System.Management.Automation;
using PerfSecurity.Errors;
using PerfSecurity.Module;
using PerfSecurity.Settings;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsCommon.Get, "PerfSysctl")]
[OutputType(typeof(SysctlSetting))]
public sealed class GetPerfSysctlCommand : PerfCmdlet
{
    /// <summary>Names to show; wildcards allowed. Default: all.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(SysctlNameCompleter))]
    public string[] Name { get; set; } = { "*" };

    /// <summary>Root of an offline system image whose persisted configuration is read instead of /.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Root { get; set; } = "/";

    /// <summary>Follow these rules for the next boot instead of those of the boot path the system uses.</summary>
    [Parameter]
    public BootPath BootPath { get; set; }

    protected override void ProcessRecord()
    {
        var names = new NameFilter(Name);
        foreach (SysctlSetting setting in KernelSettings.GetSysctls(ResolveDirectory(Root), MyInvocation.BoundParameters.ContainsKey(nameof(BootPath)) ? BootPath : null))
        {
            if (names.Matches(setting.Name)) WriteObject(setting);
        }
        foreach (string name in names.Unmatched)
            WriteFailure(new PerfSecurityException("PerfSysctlNotFound", FailureKind.ObjectNotFound,
                $"'{name}' is not a perf-related sysctl of this kernel. Known: {string.Join(", ", Sysctl.PerfKeys())}.", name));
    }
}
