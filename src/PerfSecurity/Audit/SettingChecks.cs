using System.Globalization;
using PerfSecurity.Settings;

namespace PerfSecurity.Audit;

internal static class Profiles
{
    public static readonly AuditProfile[] All = { AuditProfile.PerfSecurityGuide, AuditProfile.Scap, AuditProfile.Kspp, AuditProfile.Lynis };
}

/// <summary>The two steps that set a sysctl: now, and in the module's drop-in for the next boot.</summary>
internal static class SysctlRepair
{
    /// <summary>
    /// The value <paramref name="change"/> would replace: the running one, or the one the next boot applies (for
    /// perf_event_paranoid with no configuration line, the kernel's default); null when there is none.
    /// </summary>
    public static int? Present(SysctlChange change)
    {
        if (!change.NextBoot) return Sysctl.ReadInt(change.Key);
        if (SysctlConfiguration.Load().EffectiveValue(change.Key) is string v)
            return int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) ? n : null;
        return change.Key == Sysctl.ParanoidKey ? ParanoidLevel.BootDefault(KernelInfo.Current.Flavor) : null;
    }

    public static RepairStep[] Steps(string key, int value, Func<int, bool> accepts)
    {
        string text = value.ToString(CultureInfo.InvariantCulture);
        return new[]
        {
            new RepairStep(Sysctl.PathOf(key), $"Set {key} to {text} (runtime)", () => KernelSettings.SetRuntime(key, text),
                Sysctl: new SysctlChange(key, value, NextBoot: false, accepts)),
            new RepairStep(KernelSettings.DropInPath(), $"Persist {key} = {text} for the next boot", () => KernelSettings.Persist(key, text),
                Sysctl: new SysctlChange(key, value, NextBoot: true, accepts)),
        };
    }
}
