namespace PerfSecurity.Resources;

/// <summary>A soft/hard pair of a resource limit; null means unlimited.</summary>
public readonly record struct LimitPair(ulong? Soft, ulong? Hard);
