namespace PerfSecurity.Resources;

/// <summary>A session's limit for one item, and a sentence saying where it comes from.</summary>
public sealed record SessionLimit(LimitPair Limit, string Source);
