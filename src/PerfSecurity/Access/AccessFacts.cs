using PerfSecurity.Capabilities;
using PerfSecurity.Namespaces;
using PerfSecurity.Seccomp;
using PerfSecurity.Settings;

namespace PerfSecurity.Access;

/// <summary>The kernel side of an access decision; <paramref name="HighestCpu"/> is the last online CPU (CPU-wide events open one per CPU).</summary>
public sealed record KernelFacts(int ParanoidLevel, KernelFlavor Flavor, Version Version, int KptrRestrict, int HighestCpu = 0);

/// <summary>A binary the subject executes, and what decides whether its file capabilities apply.</summary>
/// <param name="Path">The file the subject executes.</param>
/// <param name="Capabilities">Its security.capability attribute, or null when it has none.</param>
/// <param name="Executable">Whether the subject may execute it (mode bits and search permission on its directories).</param>
/// <param name="NoSuidMount">Whether it lies on a nosuid mount (set-user-ID bits and file capabilities ignored).</param>
/// <param name="SetuidRoot">Whether it is set-user-ID root.</param>
public sealed record ExecutedFile(string Path, FileCapabilityData? Capabilities, bool Executable, bool NoSuidMount, bool SetuidRoot);

/// <summary>
/// The subject side: the credentials of a process, or of a fresh login of a user (empty inheritable and
/// ambient sets, full bounding set), optionally about to execute <see cref="File"/>. <see cref="SeccompState"/> holds
/// the filters read from a process in seccomp mode 2 (or why they could not be read); <see cref="Namespaces"/> the
/// namespaces it does not share with the host.
/// </summary>
public sealed record SubjectFacts(
    string Description,
    uint Uid,
    CapabilitySet Effective,
    CapabilitySet Permitted,
    CapabilitySet Inheritable,
    CapabilitySet Bounding,
    CapabilitySet Ambient,
    bool InitialUserNamespace,
    bool NoNewPrivs,
    int Seccomp,
    ExecutedFile? File = null,
    int? ProcessId = null,
    string? UserName = null,
    SeccompState? SeccompState = null,
    NamespaceSet? Namespaces = null)
{
    /// <summary>
    /// A login of a user with the bounding set logins inherit (PID 1's, through the login daemon): root holds
    /// that whole set, others nothing.
    /// </summary>
    public static SubjectFacts Login(string userName, uint uid, CapabilitySet bounding) => new(
        $"user {userName}", uid,
        Effective: uid == 0 ? bounding : CapabilitySet.Empty,
        Permitted: uid == 0 ? bounding : CapabilitySet.Empty,
        Inheritable: CapabilitySet.Empty, Bounding: bounding, Ambient: CapabilitySet.Empty,
        InitialUserNamespace: true, NoNewPrivs: false, Seccomp: 0, UserName: userName);
}
