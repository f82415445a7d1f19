namespace PerfSecurity.Resources;

/// <summary>Where the first mapping fails in a simulated run, 1-based.</summary>
public readonly record struct MappingFailure(int Process, int Buffer);
