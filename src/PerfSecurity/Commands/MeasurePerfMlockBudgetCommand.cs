using System.Management.Automation;
using PerfSecurity.Errors;
using PerfSecurity.Module;
using PerfSecurity.Resources;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsDiagnostic.Measure, "PerfMlockBudget", DefaultParameterSetName = "Process")]
[OutputType(typeof(MlockBudget))]
public sealed class MeasurePerfMlockBudgetCommand : PerfCmdlet
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

    [Parameter(ParameterSetName = "Process", ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "Pid")]
    public int ProcessId { get; set; } = Environment.ProcessId;

    [Parameter(ParameterSetName = "User", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(UserNameCompleter))]
    public string UserName { get; set; } = "";

    /// <summary>The perf binary the user runs: its file capabilities (CAP_IPC_LOCK) count.</summary>
    [Parameter(ParameterSetName = "User")]
    public string? FilePath { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            BudgetSubject subject = ParameterSetName == "User"
                ? ResourceBudgets.ForUser(UserName, FilePath is null ? null : ResolveFile(FilePath))
                : ResourceBudgets.ForProcess(ProcessId);
            WriteObject(ResourceBudgets.MeasureMlock(subject, ProcessCount,
                MyInvocation.BoundParameters.ContainsKey(nameof(CpuCount)) ? CpuCount : null,
                MyInvocation.BoundParameters.ContainsKey(nameof(MmapPages)) ? MmapPages : null));
        }
        catch (PerfSecurityException e)
        {
            WriteFailure(e);
        }
    }
}
