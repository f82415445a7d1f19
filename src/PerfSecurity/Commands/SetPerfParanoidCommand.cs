using System.Management.Automation;
using PerfSecurity.Errors;
using PerfSecurity.Module;
using PerfSecurity.Settings;

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
            Apply(ParanoidChange.Plan(Level, Persist));
        }
        catch (PerfSecurityException e)
        {
            ThrowFailure(e);
        }
    }

    private void Apply(ParanoidChange change)
    {
        string value = change.Value;
        bool persisted = Persist && change.PersistDone;
        if (change.Done)
        {
            WriteVerbose($"{Sysctl.ParanoidKey} is already {value}{(Persist ? " and persisted" : "")}; nothing to change.");
        }
        else
        {
            if (!change.RuntimeDone && ShouldProcess(Sysctl.PathOf(Sysctl.ParanoidKey), $"Set {Sysctl.ParanoidKey} to {value} (runtime)"))
            {
                // Asked only once the change is really going ahead: -WhatIf never prompts.
                if (Level == -1 && !Force && !ShouldContinue(
                        "Level -1 lets every user monitor the whole system, read raw tracepoints and lock unlimited memory for perf buffers. Continue?",
                        "Lift all perf_events restrictions"))
                    return;
                KernelSettings.SetRuntime(Sysctl.ParanoidKey, value);
            }

            if (!change.PersistDone && ShouldProcess(KernelSettings.DropInPath(), $"Persist {Sysctl.ParanoidKey} = {value} for the next boot"))
            {
                KernelSettings.Persist(Sysctl.ParanoidKey, value);
                persisted = true;
            }
        }
        if (persisted)
            foreach (string warning in change.NextBootWarnings()) WriteWarning(warning);

        if (PassThru) WriteObject(KernelSettings.GetParanoid());
    }
}
