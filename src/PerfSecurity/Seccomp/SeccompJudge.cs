namespace PerfSecurity.Seccomp;

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
