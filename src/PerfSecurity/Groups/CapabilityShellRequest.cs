using System.Text;
using PerfSecurity.Capabilities;
using PerfSecurity.IO;
using PerfSecurity.Native;
using PerfSecurity.Text;
using PerfSecurity.Users;

namespace PerfSecurity.Groups;

/// <summary>What New-PerfCapabilityShell is asked to write.</summary>
public sealed record CapabilityShellRequest(string Path, string Group, CapabilitySet Capabilities, string SudoersPath, bool NoPassword);
