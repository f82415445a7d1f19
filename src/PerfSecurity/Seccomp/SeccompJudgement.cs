using System.Globalization;

namespace PerfSecurity.Seccomp;

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
