using PerfSecurity.Native;

namespace PerfSecurity.Counting;

/// <summary>The generic events of perf_event.h with perf's names and aliases.</summary>
public static class GenericEvents
{
    public const ulong SwCpuClock = 0, SwTaskClock = 1;

    public sealed record Generic(string Name, string[] Aliases, PerfEventType Kind, uint Type, ulong Config, string Description);

    public static readonly IReadOnlyList<Generic> All = Build();

    /// <summary>perf stat's default software events.</summary>
    public static readonly string[] StatDefaults = { "task-clock", "context-switches", "cpu-migrations", "page-faults" };

    private static List<Generic> Build()
    {
        var list = new List<Generic>();
        void Sw(ulong c, string n, string d, params string[] a) => list.Add(new(n, a, PerfEventType.Software, PerfEvents.TypeSoftware, c, d));
        void Hw(ulong c, string n, string d, params string[] a) => list.Add(new(n, a, PerfEventType.Hardware, PerfEvents.TypeHardware, c, d));

        Sw(0, "cpu-clock", "CPU clock: a high-resolution per-CPU timer (ns)");
        Sw(1, "task-clock", "Clock of the task: time it ran on a CPU (ns)");
        Sw(2, "page-faults", "Page faults", "faults");
        Sw(3, "context-switches", "Context switches", "cs");
        Sw(4, "cpu-migrations", "Moves of the task to another CPU", "migrations");
        Sw(5, "minor-faults", "Page faults served without I/O");
        Sw(6, "major-faults", "Page faults that needed I/O");
        Sw(7, "alignment-faults", "Unaligned accesses fixed up by the kernel");
        Sw(8, "emulation-faults", "Instructions emulated by the kernel");
        Sw(9, "dummy", "Counts nothing (placeholder leader or side-band)");
        Sw(10, "bpf-output", "Output from BPF programs");
        Sw(11, "cgroup-switches", "Switches between tasks of different cgroups (5.13+)");

        Hw(0, "cpu-cycles", "CPU cycles", "cycles");
        Hw(1, "instructions", "Instructions retired");
        Hw(2, "cache-references", "Cache accesses (usually last-level cache)");
        Hw(3, "cache-misses", "Cache misses (usually last-level cache)");
        Hw(4, "branch-instructions", "Branch instructions retired", "branches");
        Hw(5, "branch-misses", "Mispredicted branches");
        Hw(6, "bus-cycles", "Bus cycles");
        Hw(7, "stalled-cycles-frontend", "Cycles the front end was stalled", "idle-cycles-frontend");
        Hw(8, "stalled-cycles-backend", "Cycles the back end was stalled", "idle-cycles-backend");
        Hw(9, "ref-cycles", "Reference cycles, not affected by frequency scaling");

        // Cache events as perf lists them: config = cache | op << 8 | result << 16.
        string[] caches = { "L1-dcache", "L1-icache", "LLC", "dTLB", "iTLB", "branch", "node" };
        string[] ops = { "load", "store", "prefetch" };
        string[] opVerbs = { "loads", "stores", "prefetches" };
        for (int c = 0; c < caches.Length; c++)
        {
            for (int op = 0; op < ops.Length; op++)
            {
                // perf lists only reads for the instruction caches and branch/node predictors' own ops.
                if (op > 0 && c is 1 or 4 or 5) continue;
                ulong access = (uint)c | ((uint)op << 8);
                list.Add(new($"{caches[c]}-{opVerbs[op]}", Array.Empty<string>(), PerfEventType.HardwareCache, PerfEvents.TypeHwCache,
                    access, $"{caches[c]} {ops[op]} accesses"));
                list.Add(new($"{caches[c]}-{ops[op]}-misses", Array.Empty<string>(), PerfEventType.HardwareCache, PerfEvents.TypeHwCache,
                    access | (1UL << 16), $"{caches[c]} {ops[op]} misses"));
            }
        }
        return list;
    }

    public static Generic? Find(string name)
        => All.FirstOrDefault(g => g.Name.Equals(name, StringComparison.OrdinalIgnoreCase)
            || g.Aliases.Any(a => a.Equals(name, StringComparison.OrdinalIgnoreCase)));
}
