using PerfSecurity.Counting;

namespace PerfSecurity.Module;

/// <summary>The counter sessions of one runspace.</summary>
public sealed class CounterSessionTable
{
    private readonly object _gate = new();
    private readonly List<CounterSession> _sessions = new();
    private int _next = 1;

    public IReadOnlyList<CounterSession> All
    {
        get { lock (_gate) return _sessions.ToList(); }
    }

    /// <summary>Registers counters under a new id; the name defaults to "session&lt;id&gt;" and must be unique.</summary>
    public CounterSession Add(string? name, CounterTarget target, CounterSet counters)
    {
        lock (_gate)
        {
            int id = _next;
            string finalName = string.IsNullOrWhiteSpace(name) ? $"session{id}" : name;
            if (_sessions.Any(s => s.Name.Equals(finalName, StringComparison.OrdinalIgnoreCase)))
                throw new Errors.PerfSecurityException("PerfCounterSessionNameInUse", Errors.FailureKind.ResourceUnavailable,
                    $"A counter session named '{finalName}' already exists in this runspace. Choose another -Name or stop that session.", finalName);
            _next++;
            var session = new CounterSession(id, finalName, target, counters);
            _sessions.Add(session);
            return session;
        }
    }

    public void Remove(CounterSession session)
    {
        lock (_gate) _sessions.Remove(session);
    }

    /// <summary>Closes every session's counters (runspace closed or module removed).</summary>
    public void CloseAll()
    {
        List<CounterSession> sessions;
        lock (_gate)
        {
            sessions = _sessions.ToList();
            _sessions.Clear();
        }
        foreach (CounterSession s in sessions) s.Counters.Dispose();
    }
}
