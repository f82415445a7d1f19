using System.Management.Automation;
using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsCommon.Set, "PerfCapability", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = DesiredCapabilityCmdlet.PathCapability)]
[OutputType(typeof(FileCapability))]
public sealed class SetPerfCapabilityCommand : DesiredCapabilityCmdlet
{
    /// <summary>Write revision 3 with this namespace root uid (setcap -n).</summary>
    [Parameter]
    public uint? RootId { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private FileCapabilityData? _desired;
    private CapabilitySet _rootEquivalent;

    protected override void BeginProcessing()
    {
        try
        {
            _desired = FileCapabilityData.FromState(DesiredState(Capability, Flag, Text), RootId);
            _rootEquivalent = RootEquivalence.In(_desired.Permitted | _desired.Inheritable);
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
        var current = StoredCapability.Read(file);
        if (current.Data is not null && Same(current.Data, desired))
        {
            WriteVerbose($"'{ShownPath(path)}' already has {desired.Text}{(desired.RootId is uint r ? $" [rootid={r}]" : "")}; nothing to change.");
        }
        else
        {
            if (!ShouldProcess(ShownPath(path), $"Set file capabilities '{desired.Text}'{(desired.RootId is uint id ? $" with rootid {id}" : "")} (was {(current.Data is { } was ? $"'{was.Text}'" : current.IsUnreadable ? current.Describe() : "'none'")})"))
                return;
            if (!_rootEquivalent.IsEmpty && !Force && !ShouldContinue(
                    $"'{desired.Text}' gives whoever runs '{ShownPath(path)}' capabilities with which a program its user can steer becomes full root: "
                    + $"{RootEquivalence.Describe(_rootEquivalent)}. Continue?",
                    "Grant root-equivalent capabilities"))
                return;
            file.Write(desired);
        }
        if (PassThru && file.Read() is { } now) WriteObject(new FileCapability(path, now));
    }

    private static bool Same(FileCapabilityData a, FileCapabilityData b)
        => a.Permitted == b.Permitted && a.Inheritable == b.Inheritable && a.Effective == b.Effective && (a.RootId ?? 0) == (b.RootId ?? 0);
}
