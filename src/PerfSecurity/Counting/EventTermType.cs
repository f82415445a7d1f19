
namespace PerfSecurity.Counting;

/// <summary>The kinds of term between a PMU's slashes: sysfs format fields and aliases (User), and perf's own keywords.</summary>
public enum EventTermType
{
    User, Config, Config1, Config2, Config3, Name, Period, Freq, BranchType, Time, CallGraph, StackSize, MaxStack, Nr,
    Inherit, NoInherit, Overwrite, NoOverwrite, Percore, AuxOutput, AuxSampleSize, MetricId, DriverConfig,
}
