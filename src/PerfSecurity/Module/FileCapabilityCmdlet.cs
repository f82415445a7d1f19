using PerfSecurity.Capabilities;
using PerfSecurity.Errors;

namespace PerfSecurity.Module;

/// <summary>Common ground of the file-capability cmdlets: -Path/-LiteralPath through the FileSystem provider.</summary>
public abstract class FileCapabilityCmdlet : PerfCmdlet
{
    protected const string PathSet = "Path";
    protected const string LiteralPathSet = "LiteralPath";

    /// <summary>Missing files are reported by the capability core's own walk (…FileNotFound, or …UntrustedPath first).</summary>
    private static readonly PathPolicy Paths = new("PerfCapability", "PerfCapabilityFileNotFound", OpenReportsMissing: true);

    /// <summary>File-system paths for -Path (wildcards) or -LiteralPath (see <see cref="PerfCmdlet.ResolvePaths(string[], string[], PathPolicy)"/>).</summary>
    protected IEnumerable<string> ResolvePaths(string[]? paths, string[]? literalPaths) => ResolvePaths(paths, literalPaths, Paths);

    /// <summary>The three sets from -Capability/-Flag or -Text, failing with a stable id on bad input.</summary>
    protected static CapabilityState DesiredState(string[]? capability, string? flag, string? text)
    {
        if (text is not null) return CapabilityText.Parse(text);
        var set = CapabilitySet.Parse(capability ?? Array.Empty<string>());
        string f = (flag ?? "ep").ToLowerInvariant();
        if (f.Length == 0 || f.Any(c => c is not ('e' or 'i' or 'p')))
            throw new PerfSecurityException("PerfCapabilityInvalidFlag", FailureKind.InvalidArgument,
                $"'{flag}' is not a flag combination. Use letters e (effective), i (inheritable) and p (permitted), for example 'ep'.", flag);
        // The file keeps one effective bit over permitted ∪ inheritable, so 'e' alone would store nothing of the set.
        if (f.Contains('e', StringComparison.Ordinal) && !f.Contains('p', StringComparison.Ordinal) && !f.Contains('i', StringComparison.Ordinal) && !set.IsEmpty)
            throw new PerfSecurityException("PerfCapabilityInvalidEffective", FailureKind.InvalidArgument,
                $"The flag 'e' alone grants nothing: at exec a file's effective capabilities become its permitted and inheritable ones, and '{flag}' sets neither. Use 'ep' (or 'ei').", flag);
        return new CapabilityState(f.Contains('e', StringComparison.Ordinal) ? set : CapabilitySet.Empty, f.Contains('p', StringComparison.Ordinal) ? set : CapabilitySet.Empty, f.Contains('i', StringComparison.Ordinal) ? set : CapabilitySet.Empty);
    }
}
