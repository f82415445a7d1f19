using PerfSecurity.Native;

namespace PerfSecurity.Counting;

/// <summary>
/// The generic events of perf_event.h with perf's names and aliases, perf's tool events, and the legacy cache
/// names (tools/perf/util/parse-events.l and evsel.c of perf 6.1). Names are case-sensitive, as perf's lexer is.
/// </summary>
public static class GenericEvents
{
    public const ulong SwCpuClock = 0, SwTaskClock = 1, SwDummy = 9;

    public sealed record Generic(string Name, string[] Aliases, PerfEventType Kind, uint Type, ulong Config, string Description);

    /// <summary>perf stat's default software events.</summary>
    public static readonly string[] StatDefaults = { "task-clock", "context-switches", "cpu-migrations", "page-faults" };

    /// <summary>Cache names perf accepts for each PERF_COUNT_HW_CACHE_* (evsel__hw_cache); the first is the one perf prints.</summary>
    public static readonly string[][] CacheTypes =
    {
        new[] { "L1-dcache", "l1-d", "l1d", "L1-data" },
        new[] { "L1-icache", "l1-i", "l1i", "L1-instruction" },
        new[] { "LLC", "L2" },
        new[] { "dTLB", "d-tlb", "Data-TLB" },
        new[] { "iTLB", "i-tlb", "Instruction-TLB" },
        new[] { "branch", "branches", "bpu", "btb", "bpc" },
        new[] { "node" },
    };

    /// <summary>PERF_COUNT_HW_CACHE_OP_* names (evsel__hw_cache_op).</summary>
    public static readonly string[][] CacheOps =
    {
        new[] { "load", "loads", "read" },
        new[] { "store", "stores", "write" },
        new[] { "prefetch", "prefetches", "speculative-read", "speculative-load" },
    };

    /// <summary>PERF_COUNT_HW_CACHE_RESULT_* names (evsel__hw_cache_result).</summary>
    public static readonly string[][] CacheResults =
    {
        new[] { "refs", "Reference", "ops", "access" },
        new[] { "misses", "miss" },
    };

    /// <summary>The ops each cache supports (evsel__hw_cache_stat): bit n = op n. L1I reads and prefetches; iTLB and branch read only.</summary>
    private static readonly int[] CacheOpMask = { 0b111, 0b101, 0b111, 0b111, 0b001, 0b001, 0b111 };

    public static bool IsCacheOpValid(int cache, int op) => (CacheOpMask[cache] >> op & 1) != 0;

    /// <summary>perf's tool events: counted by the tool itself, opened as a dummy software event.</summary>
    public static readonly string[] ToolEvents = { "duration_time", "user_time", "system_time" };

    // After the tables it reads: static fields are initialized in order.
    public static readonly IReadOnlyList<Generic> All = Build();

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

        list.Add(new("duration_time", Array.Empty<string>(), PerfEventType.Tool, PerfEvents.TypeSoftware, SwDummy, "Wall-clock time while counting (ns), measured by the tool"));
        list.Add(new("user_time", Array.Empty<string>(), PerfEventType.Tool, PerfEvents.TypeSoftware, SwDummy, "User CPU time of the measured command (ns), from its rusage"));
        list.Add(new("system_time", Array.Empty<string>(), PerfEventType.Tool, PerfEvents.TypeSoftware, SwDummy, "System CPU time of the measured command (ns), from its rusage"));

        // Cache events as perf lists them: config = cache | op << 8 | result << 16; accesses are named
        // cache-ops ("L1-dcache-loads"), misses cache-op-misses ("L1-dcache-load-misses").
        for (int c = 0; c < CacheTypes.Length; c++)
        {
            for (int op = 0; op < CacheOps.Length; op++)
            {
                if (!IsCacheOpValid(c, op)) continue;
                ulong access = (uint)c | ((uint)op << 8);
                string cache = CacheTypes[c][0];
                list.Add(new($"{cache}-{CacheOps[op][1]}", Array.Empty<string>(), PerfEventType.HardwareCache, PerfEvents.TypeHwCache,
                    access, $"{cache} {CacheOps[op][0]} accesses"));
                list.Add(new($"{cache}-{CacheOps[op][0]}-misses", Array.Empty<string>(), PerfEventType.HardwareCache, PerfEvents.TypeHwCache,
                    access | (1UL << 16), $"{cache} {CacheOps[op][0]} misses"));
            }
        }
        return list;
    }

    /// <summary>A hardware, software or tool event by its exact name or alias (perf's lexer is case-sensitive).</summary>
    public static Generic? FindSymbol(string name)
        => All.FirstOrDefault(g => g.Kind is not PerfEventType.HardwareCache && (g.Name == name || g.Aliases.Contains(name)));

    /// <summary>
    /// perf's parse_aliases: the first row with an alias that <paramref name="text"/> starts with, ignoring case; -1 if none.
    /// </summary>
    public static int MatchAlias(string text, string[][] rows)
    {
        for (int i = 0; i < rows.Length; i++)
        {
            if (rows[i].Any(a => text.StartsWith(a, StringComparison.OrdinalIgnoreCase))) return i;
        }
        return -1;
    }
}
