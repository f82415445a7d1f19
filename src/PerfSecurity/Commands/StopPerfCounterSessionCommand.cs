using System.Management.Automation;
using PerfSecurity.Counting;
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
                IReadOnlyList<CounterTotals> totals = ReadPerfCounterCommand.ReadSession(session, delta: false, perCpu: false, out CounterReading[] readings, stopping: true);
                foreach (string warning in Readings.Unscheduled(totals)) WriteWarning($"Session {session.Id}: {warning}");
                foreach (CounterReading r in readings) WriteObject(r);
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
