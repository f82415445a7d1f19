using System.Management.Automation;

namespace PerfSecurity.Module;

/// <summary>Remove-Module closes the sessions of the runspace it is removed from.</summary>
public sealed class CounterSessionCleanup : IModuleAssemblyCleanup
{
    public void OnRemove(PSModuleInfo psModuleInfo) => CounterSessionRegistry.Current.CloseAll();
}
