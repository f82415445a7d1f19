using System.Management.Automation;
using PerfSecurity.Errors;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsLifecycle.Stop, "PerfCounterSession", DefaultParameterSetName = ByIdSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(CounterReading))]
public sealed class StopPerfCounterSessionCommand : CounterSessionCmdlet
{
    protected override void ProcessRecord()
    {
        if (ParameterSetName == ByIdSet && Id is null)
            ThrowFailure(new PerfSecurityException("PerfCounterSessionNotSpecified", FailureKind.InvalidArgument,
                "Say which sessions to stop: -Id, -Name, or pipe them (Get-PerfCounterSession | Stop-PerfCounterSession stops all)."));
        foreach (CounterSession session in ResolveSessions())
        {
            if (!ShouldProcess($"counter session {session.Id} '{session.Name}' ({session.Target})", $"Stop counting and close {session.Counters.DescriptorCount} counters"))
                continue;
            try
            {
                foreach (CounterReading r in ReadPerfCounterCommand.ReadSession(session, delta: false, perCpu: false, stopping: true)) WriteObject(r);
            }
            catch (PerfSecurityException e)
            {
                WriteFailure(e);
            }
            finally
            {
                session.Counters.Dispose();
                CounterSessionRegistry.Current.Remove(session);
            }
        }
    }
}
