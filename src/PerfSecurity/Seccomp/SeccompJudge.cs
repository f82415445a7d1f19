using System.Globalization;

namespace PerfSecurity.Seccomp;

/// <summary>What a seccomp filter tells the kernel to do with a system call (SECCOMP_RET_*).</summary>
public enum SeccompAction { KillProcess, KillThread, Trap, Errno, UserNotif, Trace, Log, Allow }

/// <summary>A filter's 32-bit return value: the action in the high 16 bits, its data in the low 16.</summary>
public readonly record struct SeccompReturn(uint Value)
{
    public const uint ActionMask = 0xffff0000, DataMask = 0x0000ffff;
    public const uint KillProcess = 0x80000000, KillThread = 0, Trap = 0x00030000, Errno = 0x00050000,
        UserNotif = 0x7fc00000, Trace = 0x7ff00000, Log = 0x7ffc0000, Allow = 0x7fff0000;
    /// <summary>ERRNO data above this is capped to it (MAX_ERRNO).</summary>
    public const int MaxErrno = 4095;

    public uint ActionBits => Value & ActionMask;
    public ushort Data => (ushort)(Value & DataMask);

    /// <summary>ACTION_ONLY(ret) as a signed number: across stacked filters the lowest wins (KILL_PROCESS is negative).</summary>
    public int Precedence => unchecked((int)ActionBits);

    /// <summary>The action; values the kernel does not know act as KILL_PROCESS (the default of __seccomp_filter).</summary>
    public SeccompAction Action => ActionBits switch
    {
        KillThread => SeccompAction.KillThread,
        Trap => SeccompAction.Trap,
        Errno => SeccompAction.Errno,
        UserNotif => SeccompAction.UserNotif,
        Trace => SeccompAction.Trace,
        Log => SeccompAction.Log,
        Allow => SeccompAction.Allow,
        _ => SeccompAction.KillProcess,
    };

    /// <summary>The errno an ERRNO action sets.</summary>
    public int ErrnoValue => Math.Min((int)Data, MaxErrno);

    /// <summary>"ALLOW", "ERRNO(EPERM)", "KILL_PROCESS", …</summary>
    public string Text => Action switch
    {
        SeccompAction.Errno => $"ERRNO({Native.Errno.Name(ErrnoValue) ?? ErrnoValue.ToString(CultureInfo.InvariantCulture)})",
        SeccompAction.KillProcess when ActionBits != KillProcess => string.Create(CultureInfo.InvariantCulture, $"KILL_PROCESS (unknown action 0x{ActionBits:x8})"),
        SeccompAction.KillProcess => "KILL_PROCESS",
        SeccompAction.KillThread => "KILL_THREAD",
        SeccompAction.Trap => "TRAP",
        SeccompAction.UserNotif => "USER_NOTIF",
        SeccompAction.Trace => "TRACE",
        SeccompAction.Log => "LOG",
        _ => "ALLOW",
    };
}

/// <summary>What happens to the call: it runs, it fails, or someone outside the kernel decides.</summary>
public enum SeccompEffect { Runs, Fails, Delegated }

/// <summary>One result the stacked filters may give: the return that wins, the filter it came from (null: none objected).</summary>
public sealed record SeccompPossibility(SeccompReturn Return, int? Filter, SeccompEffect Effect);

/// <summary>A classic BPF program installed as a seccomp filter; Index 0 is the one installed first.</summary>
public sealed record SeccompFilterProgram(int Index, IReadOnlyList<BpfInstruction> Instructions);

/// <summary>Who else may decide: a tracer (for TRACE) and supervisors holding notification descriptors (USER_NOTIF).</summary>
public sealed record SeccompContext(int TracerPid, bool NotifyListeners);

/// <summary>How the stacked filters of a process treat one call.</summary>
public sealed record SeccompJudgement(SyscallCall Call, int FilterCount, IReadOnlyList<SeccompPossibility> Possibilities, bool Complete,
    IReadOnlyList<string> DependsOn, SeccompContext Context)
{
    /// <summary>The effect when every possibility has the same one, else null.</summary>
    public SeccompEffect? Effect => Complete && Possibilities.Select(p => p.Effect).Distinct().Count() == 1 ? Possibilities[0].Effect : null;

    /// <summary>The single result when the filters decide the call alone.</summary>
    public SeccompPossibility? Decisive => Complete && Possibilities.Count == 1 ? Possibilities[0] : null;

    /// <summary>One sentence: which filter returned what, and what that does to the call.</summary>
    public string Sentence
    {
        get
        {
            if (Decisive is { } d) return Describe(d) + ".";
            string options = string.Join(" or ", Possibilities.Select(p => p.Filter is int f ? $"{p.Return.Text} from {FilterName(f, FilterCount)}" : p.Return.Text));
            if (!Complete) options += (options.Length > 0 ? " or " : "") + "a value computed at run time";
            string depends = DependsOn.Count > 0 ? "depending on " + string.Join(", ", DependsOn) + ", which the caller decides" : "depending on values not known in advance";
            return $"The seccomp filters return {options} for {Call}, {depends}.";
        }
    }

    /// <summary>"All 2 seccomp filters return ALLOW for openat(…) and read(…)."</summary>
    public static string AllowSentence(int filterCount, IEnumerable<SyscallCall> calls)
        => $"{(filterCount == 1 ? "The seccomp filter returns" : $"All {filterCount} seccomp filters return")} ALLOW for {string.Join(" and ", calls)}.";

    private string Describe(SeccompPossibility p)
    {
        if (p.Filter is not int f)
            return AllowSentence(FilterCount, new[] { Call }).TrimEnd('.');
        string who = $"Seccomp {FilterName(f, FilterCount)} returns {p.Return.Text} for {Call}";
        SeccompReturn r = p.Return;
        return r.Action switch
        {
            SeccompAction.Log => who + ": it goes ahead and is logged",
            SeccompAction.Errno when r.ErrnoValue == 0 => who + ": the kernel skips the call and returns 0 without doing anything",
            SeccompAction.Errno => $"{who}: it fails with {Native.Errno.Name(r.ErrnoValue) ?? r.ErrnoValue.ToString(CultureInfo.InvariantCulture)} before the kernel checks any permission",
            SeccompAction.KillThread => who + ": the kernel kills the calling thread with SIGSYS (the whole process when it has one thread)",
            SeccompAction.Trap => who + ": the call is not made and SIGSYS is sent, which kills the process unless it handles the signal",
            SeccompAction.Trace when p.Effect == SeccompEffect.Delegated => $"{who}: its tracer, process {Context.TracerPid}, decides what happens",
            SeccompAction.Trace => who + " and no tracer is attached: it fails with ENOSYS",
            SeccompAction.UserNotif when p.Effect == SeccompEffect.Delegated =>
                who + ": the supervisor listening on the filter's notification descriptor decides (it may even make the call on the process's behalf)",
            SeccompAction.UserNotif => who + " and no process holds a seccomp notification descriptor: it fails with ENOSYS",
            SeccompAction.Allow => who,
            _ => who + ": the kernel kills the process with SIGSYS",
        };
    }

    /// <summary>"filter 1 (the newest of 2)": index as PTRACE_SECCOMP_GET_FILTER counts, 0 = installed first.</summary>
    public static string FilterName(int index, int count)
    {
        string place = count == 1 ? "the only one" : index == count - 1 ? $"the newest of {count}" : index == 0 ? $"the oldest of {count}" : $"of {count}, 0 being the oldest";
        return string.Create(CultureInfo.InvariantCulture, $"filter {index} ({place})");
    }
}

/// <summary>
/// Applies stacked seccomp filters to a call as kernel/seccomp.c does: every filter runs, newest first; the return
/// whose action has the lowest ACTION_ONLY value wins (KILL_PROCESS &lt; KILL_THREAD &lt; TRAP &lt; ERRNO &lt; USER_NOTIF
/// &lt; TRACE &lt; LOG &lt; ALLOW), and among equal actions the newest filter's data.
/// </summary>
public static class SeccompJudge
{
    public static SeccompJudgement Judge(IReadOnlyList<SeccompFilterProgram> filters, SyscallCall call, uint auditArch, SeccompContext context)
    {
        var input = SeccompInput.For(call, auditArch);
        var combined = new List<(SeccompReturn Return, int? Filter)> { (new SeccompReturn(SeccompReturn.Allow), null) };
        bool complete = true;
        ushort depends = 0;
        foreach (SeccompFilterProgram filter in filters.OrderByDescending(f => f.Index))
        {
            BpfAnalysis analysis = BpfAnalyzer.Analyze(filter.Instructions, input);
            if (!analysis.Complete) { complete = false; depends |= analysis.DependsOn; }
            if (analysis.Returns.Count > 1)
                foreach (BpfReturn r in analysis.Returns) depends |= r.DependsOn;
            var next = new List<(SeccompReturn, int?)>();
            foreach (var c in combined)
            {
                foreach (BpfReturn r in analysis.Returns)
                {
                    var candidate = new SeccompReturn(r.Value);
                    var winner = candidate.Precedence < c.Return.Precedence ? (candidate, filter.Index) : c;
                    if (!next.Contains(winner)) next.Add(winner);
                }
            }
            combined = next;
        }
        var possibilities = combined.Select(c => new SeccompPossibility(c.Return, c.Filter, EffectOf(c.Return, context))).ToList();
        var fields = Enumerable.Range(0, SeccompInput.Words)
            .Where(w => (depends & (1 << w)) != 0 && (w is 2 or 3 || !input[w].IsExact))
            .Select(SeccompInput.WordName).ToList();
        return new SeccompJudgement(call, filters.Count, possibilities, complete, fields, context);
    }

    private static SeccompEffect EffectOf(SeccompReturn r, SeccompContext context) => r.Action switch
    {
        SeccompAction.Allow or SeccompAction.Log => SeccompEffect.Runs,
        SeccompAction.Trace => context.TracerPid != 0 ? SeccompEffect.Delegated : SeccompEffect.Fails,
        SeccompAction.UserNotif => context.NotifyListeners ? SeccompEffect.Delegated : SeccompEffect.Fails,
        _ => SeccompEffect.Fails,
    };
}
