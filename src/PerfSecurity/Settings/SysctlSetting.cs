using PerfSecurity.Settings;

namespace PerfSecurity;

/// <summary>A perf-related sysctl now and at the next boot.</summary>
public sealed class SysctlSetting
{
    public SysctlSetting(string name, string? value, string? persistedValue, string? persistedIn, string? defaultValue, string description, BootPath bootPath)
    {
        BootPath = bootPath;
        Name = name;
        Value = value;
        PersistedValue = persistedValue;
        PersistedIn = persistedIn;
        DefaultValue = defaultValue;
        string? nextBoot = persistedValue ?? defaultValue;
        InSync = value is null || nextBoot is null || Normalize(nextBoot) == Normalize(value);
        Description = description;
    }

    public string Name { get; }
    /// <summary>The sysctl key (same as Name), a real property rather than a types-file alias: no type table update at import.</summary>
    public string Key => Name;
    /// <summary>The runtime value, or null when this kernel lacks the setting (offline image).</summary>
    public string? Value { get; }
    /// <summary>The value the kernel keeps at the next boot from the sysctl configuration (decimal), or null when no line sets one.</summary>
    public string? PersistedValue { get; }
    /// <summary>Whose rules were followed: systemd-sysctl or procps sysctl --system.</summary>
    public BootPath BootPath { get; }
    public string? PersistedIn { get; }
    /// <summary>The kernel's default, where it is fixed.</summary>
    public string? DefaultValue { get; }
    /// <summary>False when the next boot would apply another value than the runtime one.</summary>
    public bool InSync { get; }
    public string Description { get; }

    private static string Normalize(string v) => string.Join(' ', v.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
