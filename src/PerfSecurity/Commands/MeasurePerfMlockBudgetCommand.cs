using System.Management.Automation;
using PerfSecurity.Module;
using PerfSecurity.Resources;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsDiagnostic.Measure, "PerfMlockBudget", DefaultParameterSetName = ProcessSet)]
[OutputType(typeof(MlockBudget))]
public sealed class MeasurePerfMlockBudgetCommand : BudgetCmdlet
{
    /// <summary>How many perf sessions of the same user run at once.</summary>
    [Parameter]
    [ValidateRange(1, 4096)]
    public int ProcessCount { get; set; } = 1;

    /// <summary>Buffers per session; perf record maps one per online CPU.</summary>
    [Parameter]
    [ValidateRange(1, 65536)]
    public int CpuCount { get; set; }

    /// <summary>A planned --mmap-pages value to check (rounded up to a power of two, as perf does).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public long MmapPages { get; set; }

    /// <summary>The perf binary the user runs: its file capabilities (CAP_IPC_LOCK) count.</summary>
    [Parameter(ParameterSetName = UserSet)]
    public string? FilePath { get; set; }

    protected override object Measure()
        => ResourceBudgets.MeasureMlock(Subject(FilePath), ProcessCount,
            IfBound(nameof(CpuCount), CpuCount), IfBound(nameof(MmapPages), MmapPages));
}
