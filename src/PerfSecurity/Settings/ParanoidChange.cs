using System.Globalization;

namespace PerfSecurity.Settings;

/// <summary>
/// What Set-PerfParanoid has left to do for a level: the runtime value, the drop-in for the next boot, both or
/// nothing. Running it twice changes nothing the second time because this is decided from the system, not remembered.
/// </summary>
public sealed record ParanoidChange(int Level, bool RuntimeDone, bool PersistDone, BootPath BootPath)
{
    /// <summary>The level as the kernel and the drop-in take it.</summary>
    public string Value => Level.ToString(CultureInfo.InvariantCulture);

    /// <summary>Nothing is left to do.</summary>
    public bool Done => RuntimeDone && PersistDone;

    /// <summary>
    /// Validates <paramref name="level"/> (PerfParanoidLevelOutOfRange) and reads what is already in place: the runtime
    /// value, and with <paramref name="persist"/> whether our drop-in already decides the next boot under the boot path
    /// this host uses.
    /// </summary>
    public static ParanoidChange Plan(int level, bool persist)
    {
        KernelSettings.ValidateParanoidLevel(level);
        string value = level.ToString(CultureInfo.InvariantCulture);
        BootPath host = BootPaths.Detect().Path;
        bool runtimeDone = Sysctl.Read(Sysctl.ParanoidKey) == value;
        bool persistDone = !persist || SysctlConfiguration.Load("/", host).DropInDecides(Sysctl.ParanoidKey, value);
        return new ParanoidChange(level, runtimeDone, persistDone, host);
    }

    /// <summary>
    /// After the drop-in was written: why it would not decide the next boot, as warnings. The drop-in must decide under
    /// the boot path this host uses; it is also said when it would not under the other one (an image moved to another
    /// init, a changed init). The configuration's problems under the host's path come first.
    /// </summary>
    public IEnumerable<string> NextBootWarnings()
    {
        foreach (BootPath path in new[] { BootPath, BootPaths.Other(BootPath) })
        {
            var config = SysctlConfiguration.Load("/", path);
            if (path == BootPath)
                foreach (string problem in config.Problems) yield return problem;
            if (config.DropInDecides(Sysctl.ParanoidKey, Value)) continue;
            SysctlWrite? winner = config.WritesTo(Sysctl.ParanoidKey).LastOrDefault(w => w.Accepted);
            string tool = path == BootPath.Systemd ? "systemd-sysctl" : "sysctl --system";
            string dropIn = KernelSettings.DropInPath();
            string why;
            if (winner is not null)
                why = $"{winner.Source.File} line {winner.Source.Line} sets {Sysctl.ParanoidKey} = {winner.Result}"
                    + (winner.Source.File == dropIn ? "" : $" and is applied after {dropIn}");
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
            yield return path == BootPath
                ? $"{why}, so the next boot ({tool}, which this host uses) does not give {Value}. Remove or change that line."
                : $"This host boots with {(BootPath == BootPath.Systemd ? "systemd-sysctl" : "sysctl --system")}, where the drop-in decides; under {tool} {why}, and the next boot would not give {Value}. Remove or change that line if the system may boot that way.";
        }
    }
}
