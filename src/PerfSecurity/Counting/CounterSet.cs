using System.Buffers.Binary;
using PerfSecurity.Errors;
using PerfSecurity.Native;
using PerfSecurity.Settings;

namespace PerfSecurity.Counting;

/// <summary>Sums of one event over its descriptors (threads or CPUs), before scaling, as perf stat aggregates.</summary>
public readonly record struct CounterTotals(string Event, int? Cpu, ulong Value, ulong Enabled, ulong Running, double Scale, string? Unit, bool IsClock)
{
    public CounterTotals Minus(CounterTotals before)
        => this with { Value = Value - Math.Min(Value, before.Value), Enabled = Enabled - Math.Min(Enabled, before.Enabled), Running = Running - Math.Min(Running, before.Running) };
}

public sealed class CounterOptions
{
    public bool Inherit { get; init; }
    public bool EnableOnExec { get; init; }
    /// <summary>Enable the counters once all are open (otherwise they wait for Enable or the exec).</summary>
    public bool StartEnabled { get; init; } = true;
    /// <summary>The target is a command this process starts and reaps: user_time and system_time can come from its rusage.</summary>
    public bool CommandTimes { get; init; }
}

/// <summary>The open counters of one session or one measured command: one descriptor per event per thread or CPU.</summary>
public sealed class CounterSet : IDisposable
{
    private sealed record Counter(EventDefinition Event, int Pid, int Cpu, FileDescriptor Fd);

    private readonly List<EventDefinition> _events = new();
    private readonly List<Counter> _counters = new();
    private readonly object _gate = new();
    // duration_time: wall time while enabled, kept by this process as perf keeps it.
    private readonly System.Diagnostics.Stopwatch _enabledTime = new();
    private byte[] _buffer = new byte[PerfEvents.ReadSize(ReadFormat)];

    private CounterSet() { }

    public IReadOnlyList<string> EventNames => _events.Select(e => e.Name).ToList();
    public IReadOnlyList<EventDefinition> Events => _events;
    public int DescriptorCount => _counters.Count;
    public bool IsClosed { get; private set; }

    /// <summary>
    /// Opens every event on every placement of the target. Threads that exit meanwhile are skipped; when paranoid &gt; 1
    /// refuses kernel counting of an unmodified core event, it is retried in user space only and renamed ":u", as perf does.
    /// </summary>
    public static CounterSet Open(IReadOnlyList<EventDefinition> events, CounterTarget target, CounterOptions options, Action<string>? notice = null)
    {
        if (events.Count == 0) throw new PerfSecurityException("PerfCounterNoEvent", FailureKind.InvalidArgument, "No event to count.");
        var set = new CounterSet();
        try
        {
            var placements = target.Placements();
            foreach (EventDefinition original in events)
            {
                EventDefinition ev = original;
                if (ev.IsTool)
                {
                    if (ev.ToolName != "duration_time" && !options.CommandTimes)
                        throw new PerfSecurityException("PerfEventToolNeedsCommand", FailureKind.InvalidArgument,
                            $"'{ev.Name}' is the CPU time of a measured command, from its rusage: use it with Measure-PerfCommand. duration_time works everywhere.", ev.Name);
                    set._events.Add(ev);
                    continue;
                }
                int opened = 0;
                foreach (var (pid, cpu) in placements)
                {
                    FileDescriptor? fd = TryOpen(ref ev, target, pid, cpu, options, events.Count * placements.Count, notice);
                    if (fd is null) continue;
                    set._counters.Add(new Counter(ev, pid, cpu, fd));
                    opened++;
                }
                if (opened == 0)
                    throw new PerfSecurityException("PerfCounterProcessNotFound", FailureKind.ObjectNotFound, $"Process {target.ProcessId} has exited.", target.ProcessId);
                set._events.Add(ev);
            }
            if (options.StartEnabled) set.Enable();
            return set;
        }
        catch
        {
            set.Dispose();
            throw;
        }
    }

    private static FileDescriptor? TryOpen(ref EventDefinition ev, CounterTarget target, int pid, int cpu, CounterOptions options, int needed, Action<string>? notice)
    {
        while (true)
        {
            PerfEventAttr attr = ev.ToAttr();
            attr.Disabled = true;
            attr.Inherit = options.Inherit;
            attr.EnableOnExec = options.EnableOnExec;
            try
            {
                return PerfEvents.Open(ref attr, pid, cpu);
            }
            catch (SystemCallException e) when (e.Errno == Errno.ESRCH && target.Kind == CounterTargetKind.Process && pid != target.ProcessId)
            {
                return null; // a thread that ended after /proc/<pid>/task was listed
            }
            catch (SystemCallException e) when (e.Errno == Errno.EINVAL && ev.CanDropGuestExclusion)
            {
                ev = ev.WithoutGuestExclusion(); // perf's fallback for PMUs that refuse exclude_guest/exclude_host (msr)
            }
            catch (SystemCallException e) when (e.IsPermissionError && ev.IsCore && !ev.HasModifiers && !ev.ExcludeKernel
                && RetryInUserSpace(pid))
            {
                notice?.Invoke($"kernel.perf_event_paranoid refuses kernel-space counting: counting '{ev.Name}' in user space only, as '{ev.Name}:u'.");
                ev = ev.UserOnly();
            }
            catch (SystemCallException e)
            {
                throw OpenFailure.Explain(ev, target, pid, cpu, e, needed);
            }
        }
    }

    // Only when kernel counting is what paranoid refuses; CPU-wide counting would still be refused.
    private static bool RetryInUserSpace(int pid)
    {
        int level = Sysctl.ReadInt(Sysctl.ParanoidKey) ?? 2;
        return level > 1 && (pid > 0 || Privileges.PerfmonCapable);
    }

    public void Enable()
    {
        ForEach(PerfEvents.Enable);
        lock (_gate) _enabledTime.Start();
    }

    public void Disable()
    {
        ForEach(PerfEvents.Disable);
        lock (_gate) _enabledTime.Stop();
    }

    private void ForEach(Action<FileDescriptor> action)
    {
        lock (_gate)
        {
            ThrowIfClosed();
            foreach (Counter c in _counters)
            {
                try { action(c.Fd); }
                catch (SystemCallException e) when (e.Errno == Errno.ESRCH) { }
            }
        }
    }

    private const ulong ReadFormat = PerfEvents.FormatTotalTimeEnabled | PerfEvents.FormatTotalTimeRunning | PerfEvents.FormatId;
    private int[]? _slots;
    private CounterTotals[]? _empty;

    /// <summary>Reads every descriptor and sums per event (and per CPU when <paramref name="perCpu"/>); 0-byte reads add nothing.</summary>
    public IReadOnlyList<CounterTotals> Read(bool perCpu = false)
    {
        lock (_gate)
        {
            ThrowIfClosed();
            if (perCpu) return ReadPerCpu();
            // Counters never change once open: which total each one adds to is worked out on the first read,
            // so a read costs the syscalls and one array.
            if (_slots is null) MapSlots();
            var totals = (CounterTotals[])_empty!.Clone();
            for (int k = 0; k < _counters.Count; k++)
            {
                Counter c = _counters[k];
                if (!ReadOne(c, out ulong value, out ulong enabled, out ulong running)) continue;
                ref CounterTotals t = ref totals[_slots![k]];
                t = t with { Value = t.Value + value, Enabled = t.Enabled + enabled, Running = t.Running + running };
            }
            FillDuration(totals);
            return totals;
        }
    }

    private void MapSlots()
    {
        var slots = new int[_counters.Count];
        var empty = new List<CounterTotals>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (EventDefinition e in _events)
        {
            if (index.ContainsKey(e.Name)) continue;
            index[e.Name] = empty.Count;
            empty.Add(new CounterTotals(e.Name, null, 0, 0, 0, e.Scale, e.Unit, e.IsClock));
        }
        for (int k = 0; k < _counters.Count; k++)
        {
            EventDefinition e = _counters[k].Event;
            if (!index.TryGetValue(e.Name, out int i))
            {
                index[e.Name] = i = empty.Count; // renamed (:u) after its first placements opened
                empty.Add(new CounterTotals(e.Name, null, 0, 0, 0, e.Scale, e.Unit, e.IsClock));
            }
            slots[k] = i;
        }
        _empty = empty.ToArray();
        _slots = slots;
    }

    // duration_time counts the nanoseconds the set has been enabled; the command times are filled in by the runner.
    private void FillDuration(IList<CounterTotals> totals)
    {
        ulong ns = (ulong)_enabledTime.Elapsed.Ticks * 100;
        for (int i = 0; i < totals.Count; i++)
        {
            if (_events.FirstOrDefault(e => e.Name == totals[i].Event) is { ToolName: "duration_time" })
                totals[i] = totals[i] with { Value = ns, Enabled = ns, Running = ns };
        }
    }

    private List<CounterTotals> ReadPerCpu()
    {
        var totals = new List<CounterTotals>();
        var index = new Dictionary<(string, int?), int>();
        foreach (Counter c in _counters)
        {
            int? cpu = c.Cpu >= 0 ? c.Cpu : null;
            var key = (c.Event.Name, cpu);
            if (!index.TryGetValue(key, out int i))
            {
                index[key] = i = totals.Count;
                totals.Add(new CounterTotals(c.Event.Name, cpu, 0, 0, 0, c.Event.Scale, c.Event.Unit, c.Event.IsClock));
            }
            if (!ReadOne(c, out ulong value, out ulong enabled, out ulong running)) continue;
            CounterTotals t = totals[i];
            totals[i] = t with { Value = t.Value + value, Enabled = t.Enabled + enabled, Running = t.Running + running };
        }
        foreach (EventDefinition e in _events.Where(e => e.IsTool).DistinctBy(e => e.Name))
            totals.Add(new CounterTotals(e.Name, null, 0, 0, 0, e.Scale, e.Unit, false));
        FillDuration(totals);
        return totals;
    }

    // False when the counter could not be scheduled (a 0-byte read: not counted).
    private bool ReadOne(Counter c, out ulong value, out ulong enabled, out ulong running)
    {
        int n;
        try
        {
            n = PerfEvents.Read(c.Fd, ref _buffer);
        }
        catch (SystemCallException e)
        {
            throw new PerfSecurityException("PerfCounterReadFailed", PerfSecurityException.KindOf(e.Errno),
                $"Reading '{c.Event.Name}' failed: {Errno.Describe(e.Errno)}.", c.Event.Name, e);
        }
        value = enabled = running = 0;
        if (n == 0) return false;
        if (n == 32)
        {
            // value, time_enabled, time_running, id: decoded in place, no allocation.
            var b = _buffer.AsSpan();
            value = BinaryPrimitives.ReadUInt64LittleEndian(b);
            enabled = BinaryPrimitives.ReadUInt64LittleEndian(b[8..]);
            running = BinaryPrimitives.ReadUInt64LittleEndian(b[16..]);
            return true;
        }
        PerfReadResult r = PerfEvents.Decode(_buffer.AsSpan(0, n), ReadFormat); // throws on a malformed size
        value = r.Values[0].Value;
        enabled = r.TimeEnabled ?? 0;
        running = r.TimeRunning ?? 0;
        return true;
    }

    /// <summary>The open descriptors, for measuring the raw read beside <see cref="Read"/>.</summary>
    internal IReadOnlyList<FileDescriptor> Descriptors => _counters.Select(c => c.Fd).ToList();

    private void ThrowIfClosed()
    {
        if (IsClosed) throw new PerfSecurityException("PerfCounterSessionStopped", FailureKind.InvalidOperation, "The counters have been closed.");
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (IsClosed) return;
            foreach (Counter c in _counters) c.Fd.Dispose();
            _counters.Clear();
            IsClosed = true;
        }
    }
}
