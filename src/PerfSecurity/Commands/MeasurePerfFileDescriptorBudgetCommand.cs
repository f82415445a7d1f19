using System.Management.Automation;
using PerfSecurity.Module;
using PerfSecurity.Resources;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsDiagnostic.Measure, "PerfFileDescriptorBudget", DefaultParameterSetName = ProcessSet)]
[OutputType(typeof(FileDescriptorBudget))]
public sealed class MeasurePerfFileDescriptorBudgetCommand : BudgetCmdlet
{
    /// <summary>How many events the session opens.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, 1_000_000)]
    public int EventCount { get; set; }

    /// <summary>CPUs monitored (system-wide); default: all online CPUs unless -ThreadCount is given.</summary>
    [Parameter]
    [ValidateRange(1, 65536)]
    public int CpuCount { get; set; }

    /// <summary>Threads monitored (per-thread sessions such as perf stat -p or --per-thread).</summary>
    [Parameter]
    [ValidateRange(1, 10_000_000)]
    public int ThreadCount { get; set; }

    /// <summary>
    /// Who opens the events: Perf (default), a perf process started from the subject, which inherits its descriptors
    /// without close-on-exec; or Process, the subject process itself (all its open descriptors count).
    /// </summary>
    [Parameter]
    public DescriptorOpener Opener { get; set; } = DescriptorOpener.Perf;

    /// <summary>perf attaches (-p) or runs until interrupted instead of starting a command: no pipe of its own.</summary>
    [Parameter]
    public SwitchParameter NoCommand { get; set; }

    protected override object Measure()
        => ResourceBudgets.MeasureFileDescriptors(Subject(), EventCount,
            IfBound(nameof(CpuCount), CpuCount), IfBound(nameof(ThreadCount), ThreadCount), Opener, !NoCommand);
}
