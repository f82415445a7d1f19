using System.Management.Automation;
using PerfSecurity.Counting;
using PerfSecurity.Errors;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsLifecycle.Start, "PerfCounterSession", DefaultParameterSetName = ProcessSet)]
[OutputType(typeof(CounterSession))]
public sealed class StartPerfCounterSessionCommand : PerfCmdlet
{
    private const string ProcessSet = "Process", CpuSet = "Cpu", SystemWideSet = "SystemWide", CgroupSet = "Cgroup";

    /// <summary>Events as perf stat -e takes them: each string an event, a comma-separated list, or a group {a,b}.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(EventNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Event { get; set; } = Array.Empty<string>();

    /// <summary>Count every event in one group: scheduled together, read with one system call, scaled alike.</summary>
    [Parameter]
    public SwitchParameter Group { get; set; }

    [Parameter(ParameterSetName = ProcessSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "Pid")]
    public int ProcessId { get; set; }

    /// <summary>Also count threads and child processes the target creates after the session starts.</summary>
    [Parameter(ParameterSetName = ProcessSet)]
    public SwitchParameter Inherit { get; set; }

    [Parameter(ParameterSetName = CpuSet, Mandatory = true, ValueFromPipeline = true)]
    [Parameter(ParameterSetName = CgroupSet)]
    [ValidateRange(0, 65535)]
    public int[] Cpu { get; set; } = Array.Empty<int>();

    [Parameter(ParameterSetName = SystemWideSet, Mandatory = true)]
    public SwitchParameter SystemWide { get; set; }

    /// <summary>A cgroup directory (under /sys/fs/cgroup): its tasks are counted on every CPU, as perf stat -a -G.</summary>
    [Parameter(ParameterSetName = CgroupSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Cgroup { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var groups = new EventResolver(verbose: WriteVerbose).ResolveGroups(Event, Group);
            using CgroupDirectory? cgroup = ParameterSetName == CgroupSet ? CgroupDirectory.Open(KernelPath(Cgroup!)) : null;
            CounterTarget target = ParameterSetName switch
            {
                CpuSet => CounterTarget.ForCpus(Cpu),
                SystemWideSet => CounterTarget.SystemWide(),
                CgroupSet => CounterTarget.ForCgroup(cgroup!, MyInvocation.BoundParameters.ContainsKey(nameof(Cpu)) ? Cpu : null),
                _ => CounterTarget.ForProcess(ProcessId),
            };
            if (Name is not null && CounterSessionRegistry.Current.All.Any(s => s.Name.Equals(Name, StringComparison.OrdinalIgnoreCase)))
                throw new PerfSecurityException("PerfCounterSessionNameInUse", FailureKind.ResourceUnavailable,
                    $"A counter session named '{Name}' already exists in this runspace. Choose another -Name or stop that session.", Name);
            // The cgroup's descriptor is needed only to open the counters: they hold the cgroup themselves.
            CounterSet counters = CounterSet.Open(groups, target, new CounterOptions { Inherit = Inherit }, WriteWarning);
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
