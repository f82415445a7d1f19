using System.Management.Automation;
using PerfSecurity.Counting;
using PerfSecurity.Errors;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsLifecycle.Start, "PerfCounterSession", DefaultParameterSetName = ProcessSet)]
[OutputType(typeof(CounterSession))]
public sealed class StartPerfCounterSessionCommand : PerfCmdlet
{
    private const string ProcessSet = "Process", CpuSet = "Cpu", SystemWideSet = "SystemWide";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(EventNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Event { get; set; } = Array.Empty<string>();

    [Parameter(ParameterSetName = ProcessSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "Pid")]
    public int ProcessId { get; set; }

    /// <summary>Also count threads and child processes the target creates after the session starts.</summary>
    [Parameter(ParameterSetName = ProcessSet)]
    public SwitchParameter Inherit { get; set; }

    [Parameter(ParameterSetName = CpuSet, Mandatory = true, ValueFromPipeline = true)]
    [ValidateRange(0, 65535)]
    public int[] Cpu { get; set; } = Array.Empty<int>();

    [Parameter(ParameterSetName = SystemWideSet, Mandatory = true)]
    public SwitchParameter SystemWide { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var resolver = new EventResolver(verbose: WriteVerbose);
            var events = Event.Select(resolver.Resolve).ToList();
            CounterTarget target = ParameterSetName switch
            {
                CpuSet => CounterTarget.ForCpus(Cpu),
                SystemWideSet => CounterTarget.SystemWide(),
                _ => CounterTarget.ForProcess(ProcessId),
            };
            if (Name is not null && CounterSessionRegistry.Current.All.Any(s => s.Name.Equals(Name, StringComparison.OrdinalIgnoreCase)))
                throw new PerfSecurityException("PerfCounterSessionNameInUse", FailureKind.ResourceUnavailable,
                    $"A counter session named '{Name}' already exists in this runspace. Choose another -Name or stop that session.", Name);
            CounterSet counters = CounterSet.Open(events, target, new CounterOptions { Inherit = Inherit }, WriteWarning);
            try
            {
                WriteObject(CounterSessionRegistry.Current.Add(Name, target, counters));
            }
            catch
            {
                counters.Dispose();
                throw;
            }
        }
        catch (PerfSecurityException e)
        {
            WriteFailure(e);
        }
    }
}
