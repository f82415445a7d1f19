using System.Management.Automation;
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
        var patterns = Name.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
        var matched = new bool[patterns.Count];
        foreach (SysctlSetting setting in KernelSettings.GetSysctls(ResolveDirectory(Root), MyInvocation.BoundParameters.ContainsKey(nameof(BootPath)) ? BootPath : null))
        {
            bool any = false;
            for (int i = 0; i < patterns.Count; i++)
            {
                if (patterns[i].IsMatch(setting.Name)) { matched[i] = true; any = true; }
            }
            if (any) WriteObject(setting);
        }
        for (int i = 0; i < patterns.Count; i++)
        {
            if (!matched[i] && !WildcardPattern.ContainsWildcardCharacters(Name[i]))
                WriteError(new ErrorRecord(new ItemNotFoundException($"'{Name[i]}' is not a perf-related sysctl of this kernel. Known: {string.Join(", ", Sysctl.PerfKeys())}."),
                    "PerfSysctlNotFound", ErrorCategory.ObjectNotFound, Name[i]));
        }
    }
}
