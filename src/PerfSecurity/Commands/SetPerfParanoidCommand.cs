using System.Management.Automation;
using PerfSecurity.Errors;
using PerfSecurity.Module;
using PerfSecurity.Settings;
using System.Globalization;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsCommon.Set, "PerfParanoid", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ParanoidSetting))]
public sealed class SetPerfParanoidCommand : PerfCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ParanoidLevelCompleter))]
    public int Level { get; set; }

    /// <summary>Also write the level to a sysctl.d drop-in so that it survives a reboot.</summary>
    [Parameter]
    public SwitchParameter Persist { get; set; }

    /// <summary>Do not ask before lifting every restriction (level -1).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            KernelSettings.ValidateParanoidLevel(Level);
            Apply();
        }
        catch (PerfSecurityException e)
        {
            ThrowFailure(e);
        }
    }

    private void Apply()
    {
        string value = Level.ToString(CultureInfo.InvariantCulture);
        bool runtimeDone = Sysctl.Read(Sysctl.ParanoidKey) == value;
        bool persistDone = !Persist || SysctlConfiguration.Load().Effective(Sysctl.ParanoidKey) is { } a
            && a.Value == value && a.File == KernelSettings.DropInPath();

        if (runtimeDone && persistDone)
        {
            WriteVerbose($"{Sysctl.ParanoidKey} is already {value}{(Persist ? " and persisted" : "")}; nothing to change.");
        }
        else
        {
            if (Level == -1 && !runtimeDone && !Force && !ShouldContinue(
                    "Level -1 lets every user monitor the whole system, read raw tracepoints and lock unlimited memory for perf buffers. Continue?",
                    "Lift all perf_events restrictions"))
                return;

            if (!runtimeDone && ShouldProcess(Sysctl.PathOf(Sysctl.ParanoidKey), $"Set {Sysctl.ParanoidKey} to {value} (runtime)"))
                KernelSettings.SetRuntime(Sysctl.ParanoidKey, value);

            if (!persistDone && ShouldProcess(KernelSettings.DropInPath(), $"Persist {Sysctl.ParanoidKey} = {value} for the next boot"))
            {
                KernelSettings.Persist(Sysctl.ParanoidKey, value);
                WarnIfOverridden(value);
            }
        }

        if (PassThru) WriteObject(KernelSettings.GetParanoid());
    }

    private void WarnIfOverridden(string value)
    {
        SysctlAssignment? winner = SysctlConfiguration.Load().Effective(Sysctl.ParanoidKey);
        if (winner is not null && winner.File != KernelSettings.DropInPath())
            WriteWarning($"{winner.File} line {winner.Line} sets {Sysctl.ParanoidKey} = {winner.Value} and is applied after {KernelSettings.DropInPath()}, so the next boot uses {winner.Value}, not {value}. Remove or change that line.");
    }
}
