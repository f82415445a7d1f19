namespace PerfSecurity.Seccomp;

/// <summary>One result the stacked filters may give: the return that wins, the filter it came from (null: none objected).</summary>
public sealed record SeccompPossibility(SeccompReturn Return, int? Filter, SeccompEffect Effect);
