using System.Management.Automation;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsCommon.Get, "PerfCounterSession", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(CounterSession))]
public sealed class GetPerfCounterSessionCommand : CounterSessionCmdlet
{
    protected override void ProcessRecord()
    {
        foreach (CounterSession s in ResolveSessions()) WriteObject(s);
    }
}
