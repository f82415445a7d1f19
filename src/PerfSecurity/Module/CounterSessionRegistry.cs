using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace PerfSecurity.Module;

/// <summary>Counter sessions live per runspace and are closed when it closes or the module is removed.</summary>
public static class CounterSessionRegistry
{
    private static readonly ConditionalWeakTable<Runspace, CounterSessionTable> Tables = new();
    private static readonly CounterSessionTable NoRunspace = new();

    public static CounterSessionTable Current
    {
        get
        {
            Runspace? runspace = Runspace.DefaultRunspace;
            if (runspace is null) return NoRunspace;
            return Tables.GetValue(runspace, r =>
            {
                var table = new CounterSessionTable();
                r.StateChanged += (_, e) =>
                {
                    if (e.RunspaceStateInfo.State is RunspaceState.Closing or RunspaceState.Closed or RunspaceState.Broken) table.CloseAll();
                };
                return table;
            });
        }
    }
}
