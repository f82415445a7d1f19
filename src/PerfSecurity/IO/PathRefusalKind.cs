namespace PerfSecurity.IO;

/// <summary>Why a walk stopped; the ErrorId is the caller's area followed by the suffix of each kind.</summary>
public enum PathRefusalKind
{
    /// <summary>Someone other than root could change what the path names (…UntrustedPath, SecurityError).</summary>
    Untrusted,
    /// <summary>A component does not exist or vanished during the walk (…FileNotFound).</summary>
    NotFound,
    /// <summary>The last component is a symbolic link, which is never followed there (…TargetIsSymlink).</summary>
    FinalLink,
    /// <summary>A system call failed or a component is not a directory (…OpenFailed).</summary>
    Failed,
}
