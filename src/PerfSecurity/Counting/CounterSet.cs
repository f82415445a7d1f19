using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
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
        /// <summary>The bytes one read of it returns: 8×(1+3) alone (value, times, id), 8×3 + 16 per member in a group.</summary>
        public required int ReadBytes { get; init; }
    }

    private readonly EventDefinition[] _events;
    private readonly CounterEvent?[] _info;
    private readonly string?[] _groupOf;
    private readonly int[] _leaderSlot;
    private readonly List<Instance> _instances = new();
    private Instance[] _reads = Array.Empty<Instance>(); // the same, as an array for the read loop
    private readonly object _gate = new();
    // duration_time: wall time while enabled, kept by this process as perf keeps it.
    private readonly Stopwatch _enabledTime = new();
    private byte[] _buffer = Array.Empty<byte>();
    private CounterTotals[] _totals = Array.Empty<CounterTotals>(), _perCpu = Array.Empty<CounterTotals>();
    private int[] _durationTotals = Array.Empty<int>(), _durationPerCpu = Array.Empty<int>();
    private ulong[] _sums = Array.Empty<ulong>();
    private bool[] _unschedulable = Array.Empty<bool>();

    private CounterSet(IReadOnlyList<EventGroup> groups)
    {
        Groups = groups;
        int count = groups.Sum(g => g.Members.Count);
        _events = new EventDefinition[count];
        _info = new CounterEvent?[count];
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
            return new Instance
            {
                Fds = fds!, Ids = ids, Slots = slots, Cpu = cpu, Grouped = g.IsGroup,
                ReadBytes = PerfEvents.ReadSize(g.IsGroup ? GroupFormat : AloneFormat, slots.Length),
            };
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
        _reads = _instances.ToArray();
        int largest = _instances.Count == 0 ? 0 : _instances.Max(i => i.ReadBytes);
        _buffer = new byte[largest];
        _sums = new ulong[3 * Math.Max(_totals.Length, _perCpu.Length)];
        _unschedulable = new bool[Math.Max(_totals.Length, _perCpu.Length)];
    }

    private CounterTotals Empty(int slot, int? cpu)
    {
        _info[slot] ??= Info(slot);
        return new CounterTotals(_info[slot]!, slot, cpu, 0, 0, 0);
    }

    private CounterEvent Info(int slot)
    {
        EventDefinition e = _events[slot];
        string? group = _groupOf[slot];
        return new CounterEvent(e.Name, group, group is null ? null : _events[_leaderSlot[slot]].Name, e.Scale, e.Unit, e.IsClock);
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

    /// <summary>How many totals a read gives: one per event, or one per event and CPU (tool events once).</summary>
    public int TotalsCount(bool perCpu = false) => perCpu ? _perCpu.Length : _totals.Length;

    /// <summary>
    /// Reads every group (one read(2) each, into one reused buffer, decoded in place) and sums per event, or per
    /// event and CPU when <paramref name="perCpu"/>; a pinned group that could not be scheduled adds nothing and
    /// marks its events Unschedulable. The totals come in the order of <see cref="Events"/>.
    /// </summary>
    public IReadOnlyList<CounterTotals> Read(bool perCpu = false)
    {
        var totals = new CounterTotals[TotalsCount(perCpu)];
        Read(totals, perCpu);
        return totals;
    }

    /// <summary>
    /// As <see cref="Read(bool)"/>, into <paramref name="destination"/> (at least <see cref="TotalsCount"/> long) and
    /// without allocating: for callers that read in a loop. Returns the number of totals written.
    /// </summary>
    public int Read(Span<CounterTotals> destination, bool perCpu = false)
    {
        lock (_gate)
        {
            ThrowIfClosed();
            // Sums go to a reused array of numbers first; the totals are written once at the end.
            CounterTotals[] template = perCpu ? _perCpu : _totals;
            if (destination.Length < template.Length)
                throw new ArgumentException($"A read of these counters gives {template.Length} totals.", nameof(destination));
            Span<ulong> sums = _sums.AsSpan(0, template.Length * 3);
            sums.Clear();
            bool unschedulable = false;
            foreach (Instance i in _reads)
            {
                int[] slots = perCpu ? i.CpuSlots : i.Slots;
                int n;
                try
                {
                    n = PerfEvents.Read(i.Fds[0], _buffer);
                }
                catch (SystemCallException e)
                {
                    throw ReadFailed(i, e);
                }
                if (n == 0)
                {
                    unschedulable = true;
                    foreach (int s in slots) _unschedulable[s] = true;
                    continue;
                }
                if (n != i.ReadBytes) Malformed(i, n);
                // Decoded in place at the offsets of the read format: a group is nr, time enabled, time running, then
                // value and id for each member; an event alone is value, time enabled, time running, id.
                // The host's byte order is the kernel's (x86_64 and aarch64 are little-endian): read as u64 words.
                ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(_buffer.AsSpan(0, n));
                if (i.Grouped)
                {
                    if (words[0] != (ulong)slots.Length) Malformed(i, n);
                    ulong enabled = words[1], running = words[2];
                    ulong[] ids = i.Ids;
                    for (int m = 0; m < slots.Length; m++)
                    {
                        if (words[4 + 2 * m] != ids[m]) Malformed(i, n);
                        int at = slots[m] * 3;
                        sums[at] += words[3 + 2 * m];
                        sums[at + 1] += enabled;
                        sums[at + 2] += running;
                    }
                }
                else
                {
                    int at = slots[0] * 3;
                    sums[at] += words[0];
                    sums[at + 1] += words[1];
                    sums[at + 2] += words[2];
                }
            }
            int[] durations = perCpu ? _durationPerCpu : _durationTotals;
            if (durations.Length > 0)
            {
                ulong ns = (ulong)_enabledTime.Elapsed.Ticks * 100;
                foreach (int k in durations) sums[k * 3] = sums[k * 3 + 1] = sums[k * 3 + 2] = ns;
            }
            for (int k = 0; k < template.Length; k++)
            {
                ref readonly CounterTotals empty = ref template[k];
                destination[k] = new CounterTotals(empty.Info, empty.Slot, empty.Cpu, sums[k * 3], sums[k * 3 + 1], sums[k * 3 + 2]);
            }
            if (unschedulable)
            {
                for (int k = 0; k < template.Length; k++)
                {
                    if (!_unschedulable[k]) continue;
                    destination[k] = destination[k] with { Unschedulable = true };
                    _unschedulable[k] = false;
                }
            }
            return template.Length;
        }
    }

    private PerfSecurityException ReadFailed(Instance i, SystemCallException e)
    {
        string name = _events[i.Slots[0]].Name;
        return new PerfSecurityException("PerfCounterReadFailed", PerfSecurityException.KindOf(e.Errno),
            $"Reading '{(i.Grouped ? _groupOf[i.Slots[0]] : name)}' failed: {Errno.Describe(e.Errno)}.", name, e);
    }

    // What the kernel returned is not what the read format and the group say: reported, and nothing is summed.
    [DoesNotReturn]
    private void Malformed(Instance i, int n)
    {
        string why;
        try
        {
            var view = PerfReadView.Parse(_buffer.AsSpan(0, n), i.Format);
            int wrong = -1;
            for (int m = 0; i.Grouped && wrong < 0 && m < Math.Min(view.Count, i.Ids.Length); m++)
            {
                if (view.Id(m) != i.Ids[m]) wrong = m;
            }
            why = view.Count != i.Fds.Length ? $"it holds {view.Count} values for {i.Fds.Length} counters"
                : wrong >= 0 ? $"value {wrong + 1} has id {view.Id(wrong)}, not {i.Ids[wrong]} as opened"
                : "it does not match the counters opened";
        }
        catch (InvalidDataException e)
        {
            why = e.Message;
        }
        string what = i.Grouped ? $"the group '{_groupOf[i.Slots[0]]}'" : $"'{_events[i.Slots[0]].Name}'";
        throw new PerfSecurityException("PerfCounterReadMalformed", FailureKind.InvalidData,
            $"Reading {what} returned {n} bytes that do not fit its read format ({why}), so nothing was summed.", _events[i.Slots[0]].Name,
            new InvalidDataException(why));
    }

    /// <summary>Every open descriptor, leaders first in each group, for measuring the raw read beside <see cref="Read(bool)"/>.</summary>
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
            _reads = Array.Empty<Instance>();
            IsClosed = true;
        }
    }
}
