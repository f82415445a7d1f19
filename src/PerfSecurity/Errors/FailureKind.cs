namespace PerfSecurity.Errors;

/// <summary>How a failure is classified; the cmdlet layer maps it to a PowerShell ErrorCategory of the same name.</summary>
public enum FailureKind
{
    InvalidArgument,
    InvalidData,
    InvalidOperation,
    ObjectNotFound,
    PermissionDenied,
    NotImplemented,
    NotInstalled,
    ResourceUnavailable,
    LimitsExceeded,
    SecurityError,
    WriteError,
    ReadError,
    /// <summary>Something the module ran gave a result it cannot use (a test suite that failed as a whole).</summary>
    InvalidResult,
}
