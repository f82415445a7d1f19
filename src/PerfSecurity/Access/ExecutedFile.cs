using PerfSecurity.Capabilities;

namespace PerfSecurity.Access;

/// <summary>A binary the subject executes, and what decides whether its file capabilities apply.</summary>
/// <param name="Path">The file the subject executes.</param>
/// <param name="Capabilities">Its security.capability attribute, or null when it has none.</param>
/// <param name="Executable">Whether the subject may execute it (mode bits and search permission on its directories).</param>
/// <param name="NoSuidMount">Whether it lies on a nosuid mount (set-user-ID bits and file capabilities ignored).</param>
/// <param name="SetuidRoot">Whether it is set-user-ID root.</param>
public sealed record ExecutedFile(string Path, FileCapabilityData? Capabilities, bool Executable, bool NoSuidMount, bool SetuidRoot);
