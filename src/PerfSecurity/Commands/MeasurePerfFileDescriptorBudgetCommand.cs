using System.Management.Automation;
using PerfSecurity.Errors;
using PerfSecurity.Module;
using PerfSecurity.Resources;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsDiagnostic.Measure, "PerfFileDescriptorBudget", DefaultParameterSetName = "Process")]
[OutputType(typeof(FileDescriptorBudget))]
public sealed class MeasurePerfFileDescriptorBudgetCommand : PerfCmdlet
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

    [Parameter(ParameterSetName = "Process", ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "Pid")]
    public int ProcessId { get; set; } = Environment.ProcessId;

    [Parameter(ParameterSetName = "User", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(UserNameCompleter))]
    public string UserName { get; set; } = "";

    protected override void ProcessRecord()
    {
        try
        {
            BudgetSubject subject = ParameterSetName == "User" ? ResourceBudgets.ForUser(UserName, null) : ResourceBudgets.ForProcess(ProcessId);
            WriteObject(ResourceBudgets.MeasureFileDescriptors(subject, EventCount,
                MyInvocation.BoundParameters.ContainsKey(nameof(CpuCount)) ? CpuCount : null,
                MyInvocation.BoundParameters.ContainsKey(nameof(ThreadCount)) ? ThreadCount : null));
        }
        catch (PerfSecurityException e)
        {
            WriteFailure(e);
        }
    }
}
