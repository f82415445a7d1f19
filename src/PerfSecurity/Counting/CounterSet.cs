using System.Diagnostics;
using PerfSecurity.Errors;
using PerfSecurity.Native;
using PerfSecurity.Settings;

namespace PerfSecurity.Counting;

/// <summary>
/// The open counters of one session or one measured command: each group (or event counted alone) opened on each
/// thread or CPU of the target. A group's leader is opened first and its members with the leader as group_fd, so the
/// kernel schedules them together; one read(2) of the leader returns the whole group (PERF_FORMAT_GROUP) with one
/// time_enabled and time_running for all of them, which is how the group is scaled.
/// </summary>
public sealed class CounterSet : IDisposable
{
    private const ulong AloneFormat = PerfEvents.FormatTotalTimeEnabled | PerfEvents.FormatTotalTimeRunning | PerfEvents.FormatId;
    private const ulong GroupFormat = AloneFormat | PerfEvents.FormatGroup;

    /// <summary>One group, or one event alone, on one thread or CPU: its descriptors, leader first.</summary>
    private sealed class Instance
    {
        public required FileDescriptor[] Fds { get; init; }
        public required ulong[] Ids { get; init; }
        /// <summary>Where each descriptor's value goes in the totals and in the per-CPU totals.</summary>
        public required int[] Slots { get; init; }
        public int[] CpuSlots { get; set; } = Array.Empty<int>();
        public required int Cpu { get; init; }
        public required bool Grouped { get; init; }
        public ulong Format => Grouped ? GroupFormat : AloneFormat;
    }

    private readonly EventDefinition[] _events;
    private readonly string?[] _groupOf;
    private readonly int[] _leaderSlot;
    private readonly List<Instance> _instances = new();
    private readonly object _gate = new();
    // duration_time: wall time while enabled, kept by this process as perf keeps it.
    private readonly Stopwatch _enabledTime = new();
    private byte[] _buffer = Array.Empty<byte>();
    private CounterTotals[] _totals = Array.Empty<CounterTotals>(), _perCpu = Array.Empty<CounterTotals>();
    private int[] _durationTotals = Array.Empty<int>(), _durationPerCpu = Array.Empty<int>();

    private CounterSet(IReadOnlyList<EventGroup> groups)
    {
        Groups = groups;
        int count = groups.Sum(g => g.Members.Count);
        _events = new EventDefinition[count];
        _groupOf = new string?[count];
        _leaderSlot = new int[count];
        int slot = 0;
        foreach (EventGroup g in groups)
        {
            int leader = slot;
            foreach (EventDefinition e in g.Members)
            {
                _events[slot] = e;
                _groupOf[slot] = g.Text;
                _leaderSlot[slot] = leader;
                slot++;
            }
        }
    }

    /// <summary>The groups as asked for (names before any :u fallback).</summary>
    public IReadOnlyList<EventGroup> Groups { get; }
    public IReadOnlyList<string> EventNames => _events.Select(e => e.Name).ToList();
    /// <summary>The events in order (their slots), as opened: renamed :u where paranoid forced user-space counting.</summary>
    public IReadOnlyList<EventDefinition> Events => _events;
    public int DescriptorCount => _instances.Sum(i => i.Fds.Length);
    public bool IsClosed { get; private set; }

    /// <summary>
    /// Opens every group on every placement of the target. Threads that exit meanwhile are skipped; when paranoid &gt; 1
    /// refuses kernel counting of an unmodified core event, it is retried in user space only and renamed ":u", as perf does.
    /// </summary>
    public static CounterSet Open(IReadOnlyList<EventGroup> groups, CounterTarget target, CounterOptions options, Action<string>? notice = null)
    {
        if (groups.Count == 0) throw new PerfSecurityException("PerfCounterNoEvent", FailureKind.InvalidArgument, "No event to count.");
        var set = new CounterSet(groups);
        try
        {
            var placements = target.Placements();
            int needed = set._events.Count(e => !e.IsTool) * placements.Count;
            int first = 0;
            foreach (EventGroup g in groups)
            {
                int[] slots = Enumerable.Range(first, g.Members.Count).ToArray();
                first += g.Members.Count;
                if (g.Leader.IsTool)
                {
                    // Tool events are alone by construction (EventResolver refuses them in groups).
                    if (g.Leader.ToolName != "duration_time" && !options.CommandTimes)
                        throw new PerfSecurityException("PerfEventToolNeedsCommand", FailureKind.InvalidArgument,
                            $"'{g.Leader.Name}' is the CPU time of a measured command, from its rusage: use it with Measure-PerfCommand. duration_time works everywhere.", g.Leader.Name);
                    continue;
                }
                int opened = 0;
                foreach (var (pid, cpu) in placements)
                {
                    Instance? instance = set.OpenInstance(g, slots, target, pid, cpu, options, needed, notice);
                    if (instance is null) continue;
                    set._instances.Add(instance);
                    opened++;
                }
                if (opened == 0)
                    throw new PerfSecurityException("PerfCounterProcessNotFound", FailureKind.ObjectNotFound, $"Process {target.ProcessId} has exited.", target.ProcessId);
            }
            set.Layout();
            if (options.StartEnabled) set.Enable();
            return set;
        }
        catch
        {
            set.Dispose();
            throw;
        }
    }

    // The group on one placement; null when the thread ended before all of it was open.
    private Instance? OpenInstance(EventGroup g, int[] slots, CounterTarget target, int pid, int cpu, CounterOptions options, int needed, Action<string>? notice)
    {
        var fds = new FileDescriptor?[slots.Length];
        var ids = new ulong[slots.Length];
        try
        {
            for (int m = 0; m < slots.Length; m++)
            {
                FileDescriptor? fd = TryOpen(ref _events[slots[m]], g, m, m == 0 ? null : fds[0], target, pid, cpu, options, needed, notice);
                if (fd is null)
                {
                    foreach (FileDescriptor? open in fds) open?.Dispose();
                    return null;
                }
                fds[m] = fd;
                if (g.IsGroup) ids[m] = PerfEvents.GetId(fd);
            }
            return new Instance { Fds = fds!, Ids = ids, Slots = slots, Cpu = cpu, Grouped = g.IsGroup };
        }
        catch
        {
            foreach (FileDescriptor? open in fds) open?.Dispose();
            throw;
        }
    }

    private static FileDescriptor? TryOpen(ref EventDefinition ev, EventGroup g, int member, FileDescriptor? leader, CounterTarget target,
        int pid, int cpu, CounterOptions options, int needed, Action<string>? notice)
    {
        while (true)
        {
            PerfEventAttr attr = ev.ToAttr();
            attr.ReadFormat = g.IsGroup ? GroupFormat : AloneFormat;
            // As perf stat: only a leader waits disabled (and for the exec); members follow their leader.
            attr.Disabled = leader is null;
            attr.EnableOnExec = leader is null && options.EnableOnExec;
            attr.Inherit = options.Inherit;
            try
            {
                return target.Kind == CounterTargetKind.Cgroup
                    ? PerfEvents.OpenOnCgroup(ref attr, target.Cgroup!.Handle, cpu, leader)
                    : PerfEvents.Open(ref attr, pid, cpu, leader);
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
                && RetryInUserSpace(target))
            {
                notice?.Invoke($"kernel.perf_event_paranoid refuses kernel-space counting: counting '{ev.Name}' in user space only, as '{ev.Name}:u'.");
                ev = ev.UserOnly();
            }
            catch (SystemCallException e)
            {
                throw OpenFailure.Explain(ev, target, pid, cpu, e, needed, g.IsGroup ? g : null, member);
            }
        }
    }

    // Only when kernel counting is what paranoid refuses; CPU-wide counting would still be refused.
    private static bool RetryInUserSpace(CounterTarget target)
    {
        int level = Sysctl.ReadInt(Sysctl.ParanoidKey) ?? 2;
        return level > 1 && (!target.IsCpuWide || Privileges.PerfmonCapable);
    }

    // Which total each descriptor adds to never changes once the counters are open: worked out here, so that a
    // read costs the system calls, one array and the sums.
    private void Layout()
    {
        _totals = new CounterTotals[_events.Length];
        for (int s = 0; s < _events.Length; s++) _totals[s] = Empty(s, null);
        _durationTotals = Enumerable.Range(0, _events.Length).Where(s => _events[s].ToolName == "duration_time").ToArray();

        var perCpu = new List<CounterTotals>();
        var index = new Dictionary<(int Slot, int Cpu), int>();
        int[] cpus = _instances.Select(i => i.Cpu).Distinct().ToArray();
        for (int s = 0; s < _events.Length; s++)
        {
            if (_events[s].IsTool)
            {
                perCpu.Add(Empty(s, null));
                continue;
            }
            foreach (int cpu in cpus)
            {
                index[(s, cpu)] = perCpu.Count;
                perCpu.Add(Empty(s, cpu >= 0 ? cpu : null));
            }
        }
        foreach (Instance i in _instances) i.CpuSlots = i.Slots.Select(s => index[(s, i.Cpu)]).ToArray();
        _perCpu = perCpu.ToArray();
        _durationPerCpu = Enumerable.Range(0, _perCpu.Length).Where(k => _events[_perCpu[k].Slot].ToolName == "duration_time").ToArray();
        int largest = _instances.Count == 0 ? 0 : _instances.Max(i => PerfEvents.ReadSize(i.Format, i.Fds.Length));
        _buffer = new byte[largest];
    }

    private CounterTotals Empty(int slot, int? cpu)
    {
        EventDefinition e = _events[slot];
        string? group = _groupOf[slot];
        return new CounterTotals(slot, e.Name, group, group is null ? null : _events[_leaderSlot[slot]].Name, cpu, 0, 0, 0, e.Scale, e.Unit, e.IsClock);
    }

    public void Enable()
    {
        ForEachLeader(PerfEvents.Enable);
        lock (_gate) _enabledTime.Start();
    }

    public void Disable()
    {
        ForEachLeader(PerfEvents.Disable);
        lock (_gate) _enabledTime.Stop();
    }

    // A leader switches its whole group; members were opened enabled and follow it.
    private void ForEachLeader(Action<FileDescriptor> action)
    {
        lock (_gate)
        {
            ThrowIfClosed();
            foreach (Instance i in _instances)
            {
                try { action(i.Fds[0]); }
                catch (SystemCallException e) when (e.Errno == Errno.ESRCH) { }
            }
        }
    }

    /// <summary>
    /// Reads every group (one read(2) each, into one reused buffer, decoded in place) and sums per event, or per
    /// event and CPU when <paramref name="perCpu"/>; a pinned group that could not be scheduled adds nothing and
    /// marks its events Unschedulable. The totals come in the order of <see cref="Events"/>.
    /// </summary>
    public IReadOnlyList<CounterTotals> Read(bool perCpu = false)
    {
        lock (_gate)
        {
            ThrowIfClosed();
            var totals = (CounterTotals[])(perCpu ? _perCpu : _totals).Clone();
            foreach (Instance i in _instances)
            {
                int[] slots = perCpu ? i.CpuSlots : i.Slots;
                int n = ReadGroup(i);
                if (n == 0)
                {
                    foreach (int k in slots) totals[k] = totals[k] with { Unschedulable = true };
                    continue;
                }
                PerfReadView view = Decode(i, n);
                ulong enabled = view.TimeEnabled ?? 0, running = view.TimeRunning ?? 0;
                for (int m = 0; m < slots.Length; m++)
                {
                    ref CounterTotals t = ref totals[slots[m]];
                    t = t with { Value = t.Value + view.Value(m), Enabled = t.Enabled + enabled, Running = t.Running + running };
                }
            }
            ulong ns = (ulong)_enabledTime.Elapsed.Ticks * 100;
            foreach (int k in perCpu ? _durationPerCpu : _durationTotals)
                totals[k] = totals[k] with { Value = ns, Enabled = ns, Running = ns };
            return totals;
        }
    }

    private int ReadGroup(Instance i)
    {
        try
        {
            return PerfEvents.Read(i.Fds[0], _buffer);
        }
        catch (SystemCallException e)
        {
            string name = _events[i.Slots[0]].Name;
            throw new PerfSecurityException("PerfCounterReadFailed", PerfSecurityException.KindOf(e.Errno),
                $"Reading '{(i.Grouped ? _groupOf[i.Slots[0]] : name)}' failed: {Errno.Describe(e.Errno)}.", name, e);
        }
    }

    // What the kernel returned must be what the read format and the group say: anything else is reported, not summed.
    private PerfReadView Decode(Instance i, int n)
    {
        string what = i.Grouped ? $"the group '{_groupOf[i.Slots[0]]}'" : $"'{_events[i.Slots[0]].Name}'";
        try
        {
            var view = PerfReadView.Parse(_buffer.AsSpan(0, n), i.Format);
            if (view.Count != i.Fds.Length)
                throw new InvalidDataException($"it holds {view.Count} values for {i.Fds.Length} counters");
            if (i.Grouped)
            {
                for (int m = 0; m < i.Fds.Length; m++)
                {
                    if (view.Id(m) != i.Ids[m])
                        throw new InvalidDataException($"value {m + 1} has id {view.Id(m)}, not {i.Ids[m]} as opened");
                }
            }
            return view;
        }
        catch (InvalidDataException e)
        {
            throw new PerfSecurityException("PerfCounterReadMalformed", FailureKind.InvalidData,
                $"Reading {what} returned {n} bytes that do not fit its read format ({e.Message}), so nothing was summed.", _events[i.Slots[0]].Name, e);
        }
    }

    /// <summary>Every open descriptor, leaders first in each group, for measuring the raw read beside <see cref="Read"/>.</summary>
    internal IReadOnlyList<FileDescriptor> Descriptors => _instances.SelectMany(i => i.Fds).ToList();

    private void ThrowIfClosed()
    {
        if (IsClosed) throw new PerfSecurityException("PerfCounterSessionStopped", FailureKind.InvalidOperation, "The counters have been closed.");
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (IsClosed) return;
            // Members before their leader: closing a leader first would let the members run on alone.
            foreach (Instance i in _instances)
            {
                for (int m = i.Fds.Length - 1; m >= 0; m--) i.Fds[m].Dispose();
            }
            _instances.Clear();
            IsClosed = true;
        }
    }
}
