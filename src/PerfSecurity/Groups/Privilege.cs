using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.Groups;

/// <summary>Refuses early, before anything is changed, when the caller cannot finish the job.</summary>
public static class Privilege
{
    public static bool IsRoot => FileSystem.GetEffectiveUserId() == 0;

    /// <summary>
    /// Groups, sudoers and file ownership belong to root: a partial run by another user could leave a
    /// half-configured binary, so nothing is attempted.
    /// </summary>
    public static void RequireRoot(string errorId, string what, object? target = null)
    {
        if (!IsRoot)
            throw new PerfSecurityException(errorId, FailureKind.PermissionDenied,
                $"{what} needs root (it changes /etc/group, file ownership, file capabilities or sudoers). Run pwsh as root, for example with sudo. Nothing was changed.",
                target);
    }
}
