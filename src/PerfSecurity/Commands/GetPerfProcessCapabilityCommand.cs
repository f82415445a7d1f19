using System.Management.Automation;
using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using PerfSecurity.Module;
using PerfSecurity.Namespaces;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsCommon.Get, "PerfProcessCapability", DefaultParameterSetName = AllSet)]
[OutputType(typeof(ProcessCapability))]
public sealed class GetPerfProcessCapabilityCommand : PerfCmdlet
{
    private const string AllSet = "All", IdSet = "Id", NameSet = "Name";

    [Parameter(ParameterSetName = IdSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ProcessId", "PID")]
    public int[]? Id { get; set; }

    [Parameter(ParameterSetName = NameSet, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        _initialUserNamespace = ProcessNamespaces.HostLink("user");
        if (Id is not null)
        {
            foreach (int pid in Id)
            {
                var s = ProcessCapabilities.Read(pid);
                if (s is null)
                    WriteFailure(new PerfSecurityException("PerfProcessNotFound", FailureKind.ObjectNotFound,
                        $"There is no process {pid} (or /proc hides it from this user).", pid));
                else
                    WriteObject(Wrap(s));
            }
            return;
        }

        var names = Name is null ? null : new NameFilter(Name);
        var pids = ProcessCapabilities.ProcessIds().ToList();
        var progress = new ProgressRecord(1, "Reading process capabilities", $"{pids.Count} processes in /proc");
        for (int i = 0; i < pids.Count; i++)
        {
            if (StopToken.IsCancellationRequested) return;
            int pid = pids[i];
            progress.PercentComplete = i * 100 / pids.Count;
            progress.CurrentOperation = $"process {pid}";
            WriteProgressThrottled(progress);
            var s = ProcessCapabilities.Read(pid);
            if (s is null) continue; // exited during the scan
            if (names is not null && !names.Matches(s.Name)) continue;
            WriteObject(Wrap(s));
        }
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
        foreach (string n in names?.Unmatched ?? Enumerable.Empty<string>())
            WriteFailure(new PerfSecurityException("PerfProcessNotFound", FailureKind.ObjectNotFound, $"There is no process named '{n}'.", n));
    }

    private string? _initialUserNamespace;

    private ProcessCapability Wrap(ProcessStatus s)
        => new(s, s.ProcessId == Environment.ProcessId ? (int)ProcessCapabilities.CurrentSecureBits() : null,
            !s.IsKernelThread && !ProcessNamespaces.InUserNamespaceOf(s.ProcessId, _initialUserNamespace));
}
