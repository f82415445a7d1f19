using PerfSecurity.Capabilities;

namespace PerfSecurity.Access;

/// <summary>
/// The capabilities a subject ends up with, and the caveats found on the way. <see cref="ExecFailure"/> says why
/// executing the subject's file fails altogether, when it does.
/// </summary>
public readonly record struct ResolvedCredentials(CapabilitySet Effective, bool IsRoot, IReadOnlyList<string> Notes, string? FileNote, string? ExecFailure = null);
