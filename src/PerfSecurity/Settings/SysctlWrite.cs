namespace PerfSecurity.Settings;

/// <summary>A write the boot path makes to a sysctl, and whether the kernel keeps it.</summary>
/// <param name="Source">The line that makes the write.</param>
/// <param name="Result">The value the kernel keeps, in decimal, or null when it refuses the write.</param>
public sealed record SysctlWrite(SysctlAssignment Source, string? Result)
{
    public bool Accepted => Result is not null;
}
