using System.Management.Automation;
using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using PerfSecurity.Module;

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

        var patterns = Name?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToArray();
        var unmatched = new HashSet<string>(Name?.Where(n => !WildcardPattern.ContainsWildcardCharacters(n)) ?? Enumerable.Empty<string>(), StringComparer.OrdinalIgnoreCase);
        foreach (int pid in ProcessCapabilities.ProcessIds())
        {
            if (Stopping) return;
            var s = ProcessCapabilities.Read(pid);
            if (s is null) continue; // exited during the scan
            if (patterns is not null)
            {
                if (!patterns.Any(p => p.IsMatch(s.Name))) continue;
                unmatched.RemoveWhere(n => string.Equals(n, s.Name, StringComparison.OrdinalIgnoreCase));
            }
            WriteObject(Wrap(s));
        }
        foreach (string n in unmatched)
            WriteFailure(new PerfSecurityException("PerfProcessNotFound", FailureKind.ObjectNotFound, $"There is no process named '{n}'.", n));
    }

    private static ProcessCapability Wrap(ProcessStatus s)
        => new(s, s.ProcessId == Environment.ProcessId ? (int)ProcessCapabilities.CurrentSecureBits() : null);
}
