using PerfSecurity.Settings;

namespace PerfSecurity.Access;

/// <summary>The kernel side of an access decision; <paramref name="HighestCpu"/> is the last online CPU (CPU-wide events open one per CPU).</summary>
public sealed record KernelFacts(int ParanoidLevel, KernelFlavor Flavor, Version Version, int KptrRestrict, int HighestCpu = 0);
