using PerfSecurity.Capabilities;
using PerfSecurity.Namespaces;
using PerfSecurity.Seccomp;

namespace PerfSecurity.Access;

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
