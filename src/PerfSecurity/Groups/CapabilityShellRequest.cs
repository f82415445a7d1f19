using PerfSecurity.Capabilities;

namespace PerfSecurity.Groups;

/// <summary>What New-PerfCapabilityShell is asked to write.</summary>
public sealed record CapabilityShellRequest(string Path, string Group, CapabilitySet Capabilities, string SudoersPath, bool NoPassword);
