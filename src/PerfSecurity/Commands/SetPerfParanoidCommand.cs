using System.Globalization;
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
        BootPath host = BootPaths.Detect().Path;
        bool persistDone = !Persist || SysctlConfiguration.Load("/", host).WritesTo(Sysctl.ParanoidKey).LastOrDefault(w => w.Accepted) is { } a
            && a.Result == value && a.Source.File == KernelSettings.DropInPath();

        bool persisted = Persist && persistDone;
        if (runtimeDone && persistDone)
        {
            WriteVerbose($"{Sysctl.ParanoidKey} is already {value}{(Persist ? " and persisted" : "")}; nothing to change.");
        }
        else
        {
            if (!runtimeDone && ShouldProcess(Sysctl.PathOf(Sysctl.ParanoidKey), $"Set {Sysctl.ParanoidKey} to {value} (runtime)"))
            {
                // Asked only once the change is really going ahead: -WhatIf never prompts.
                if (Level == -1 && !Force && !ShouldContinue(
                        "Level -1 lets every user monitor the whole system, read raw tracepoints and lock unlimited memory for perf buffers. Continue?",
                        "Lift all perf_events restrictions"))
                    return;
                KernelSettings.SetRuntime(Sysctl.ParanoidKey, value);
            }

            if (!persistDone && ShouldProcess(KernelSettings.DropInPath(), $"Persist {Sysctl.ParanoidKey} = {value} for the next boot"))
            {
                KernelSettings.Persist(Sysctl.ParanoidKey, value);
                persisted = true;
            }
        }
        if (persisted) WarnIfOverridden(value, host);

        if (PassThru) WriteObject(KernelSettings.GetParanoid());
    }

    // The drop-in must decide the next boot under the boot path this host uses; say so when another line does,
    // and also when it would not decide it under the other boot path (an image moved to another init, a changed init).
    private void WarnIfOverridden(string value, BootPath host)
    {
        foreach (BootPath path in new[] { host, BootPaths.Other(host) })
        {
            var config = SysctlConfiguration.Load("/", path);
            foreach (string problem in config.Problems) if (path == host) WriteWarning(problem);
            SysctlWrite? winner = config.WritesTo(Sysctl.ParanoidKey).LastOrDefault(w => w.Accepted);
            if (winner is not null && winner.Source.File == KernelSettings.DropInPath() && winner.Result == value) continue;
            string tool = path == BootPath.Systemd ? "systemd-sysctl" : "sysctl --system";
            string why;
            if (winner is not null)
                why = $"{winner.Source.File} line {winner.Source.Line} sets {Sysctl.ParanoidKey} = {winner.Result}"
                    + (winner.Source.File == KernelSettings.DropInPath() ? "" : $" and is applied after {KernelSettings.DropInPath()}");
            else if (config.BlockedBy is not null)
                why = $"{config.BlockedBy} stops it before anything is applied";
            else
            {
                // systemd keeps one line per key, the last: an exclusion or a value the kernel refuses replaces the drop-in's.
                var lines = config.LinesNaming(Sysctl.ParanoidKey);
                var last = lines.Count == 0 ? null : lines[^1];
                why = last is null ? "no line sets it"
                    : $"{last.File} line {last.Line} ({(last.Excludes ? "an exclusion" : $"'{last.Value}', which the kernel refuses")}) replaces the drop-in's line, so nothing is written";
            }
            WriteWarning(path == host
                ? $"{why}, so the next boot ({tool}, which this host uses) does not give {value}. Remove or change that line."
                : $"This host boots with {(host == BootPath.Systemd ? "systemd-sysctl" : "sysctl --system")}, where the drop-in decides; under {tool} {why}, and the next boot would not give {value}. Remove or change that line if the system may boot that way.");
        }
    }
}
