namespace PerfSecurity.Seccomp;

/// <summary>
/// Every value a filter may return for an input whose words are ranges. <see cref="Complete"/> is false when the
/// list may miss values: a return of an unknown accumulator, or a program with too many paths to follow.
/// </summary>
public sealed record BpfAnalysis(IReadOnlyList<BpfReturn> Returns, bool Complete, ushort DependsOn);
