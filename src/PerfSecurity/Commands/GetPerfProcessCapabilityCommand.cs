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

    /// <summary>How many processes are read at the same time: by default one per CPU, at most 16.</summary>
    [Parameter(ParameterSetName = AllSet)]
    [Parameter(ParameterSetName = NameSet)]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = Math.Min(Environment.ProcessorCount, 16);

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
        int i = 0;
        // Read by several threads, written here in pid order; leaving the loop ends the other threads.
        foreach (var entry in ProcessStatusReader.Read(pids, _initialUserNamespace, ThrottleLimit))
        {
            if (StopToken.IsCancellationRequested) return;
            progress.PercentComplete = i * 100 / pids.Count;
            progress.CurrentOperation = $"process {entry.ProcessId}";
            WriteProgressThrottled(progress);
            i++;
            if (entry.Status is not { } s) continue; // exited during the scan
            if (names is not null && !names.Matches(s.Name)) continue;
            WriteObject(Wrap(s, entry.InChildUserNamespace));
        }
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
        foreach (string n in names?.Unmatched ?? Enumerable.Empty<string>())
            WriteFailure(new PerfSecurityException("PerfProcessNotFound", FailureKind.ObjectNotFound, $"There is no process named '{n}'.", n));
    }

    private string? _initialUserNamespace;

    private ProcessCapability Wrap(ProcessStatus s)
        => Wrap(s, !s.IsKernelThread && !ProcessNamespaces.InUserNamespaceOf(s.ProcessId, _initialUserNamespace));

    private static ProcessCapability Wrap(ProcessStatus s, bool inChildUserNamespace)
        => new(s, s.ProcessId == Environment.ProcessId ? (int)ProcessCapabilities.CurrentSecureBits() : null, inChildUserNamespace);
}
