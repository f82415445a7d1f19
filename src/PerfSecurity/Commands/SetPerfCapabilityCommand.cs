using System.Management.Automation;
using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsCommon.Set, "PerfCapability", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = PathCapability)]
[OutputType(typeof(FileCapability))]
public sealed class SetPerfCapabilityCommand : FileCapabilityCmdlet
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

    /// <summary>Write revision 3 with this namespace root uid (setcap -n).</summary>
    [Parameter]
    public uint? RootId { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private FileCapabilityData? _desired;
    private bool _weakening;

    protected override void BeginProcessing()
    {
        try
        {
            _desired = FileCapabilityData.FromState(DesiredState(Capability, Flag, Text), RootId);
            var granted = _desired.Permitted | _desired.Inheritable;
            _weakening = granted.Contains(CapabilityTable.SysAdmin) || CapabilitySet.All.IsSubsetOf(granted);
        }
        catch (PerfSecurityException e)
        {
            ThrowFailure(e);
        }
    }

    protected override void ProcessRecord()
    {
        foreach (string path in ResolvePaths(Path, LiteralPath))
            Try(() => SetOne(path));
    }

    private void SetOne(string path)
    {
        var desired = _desired!;
        using var file = FileCapabilities.OpenForChange(path);
        var current = file.Read();
        if (current is not null && Same(current, desired))
        {
            WriteVerbose($"'{path}' already has {desired.Text}{(desired.RootId is uint r ? $" [rootid={r}]" : "")}; nothing to change.");
        }
        else
        {
            if (!ShouldProcess(path, $"Set file capabilities '{desired.Text}'{(desired.RootId is uint id ? $" with rootid {id}" : "")} (was '{current?.Text ?? "none"}')"))
                return;
            if (_weakening && !Force && !ShouldContinue(
                    $"'{desired.Text}' gives whoever runs '{path}' {((desired.Permitted | desired.Inheritable).Contains(CapabilityTable.SysAdmin) ? "CAP_SYS_ADMIN, which is close to full root" : "every capability, which is full root")}. Continue?",
                    "Grant root-equivalent capabilities"))
                return;
            file.Write(desired);
        }
        if (PassThru && file.Read() is { } now) WriteObject(new FileCapability(path, now));
    }

    private static bool Same(FileCapabilityData a, FileCapabilityData b)
        => a.Permitted == b.Permitted && a.Inheritable == b.Inheritable && a.Effective == b.Effective && (a.RootId ?? 0) == (b.RootId ?? 0);
}
