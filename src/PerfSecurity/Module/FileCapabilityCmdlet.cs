using System.Collections.ObjectModel;
using System.Management.Automation;
using PerfSecurity.Capabilities;
using PerfSecurity.Errors;

namespace PerfSecurity.Module;

/// <summary>Common ground of the file-capability cmdlets: -Path/-LiteralPath through the FileSystem provider.</summary>
public abstract class FileCapabilityCmdlet : PerfCmdlet
{
    protected const string PathSet = "Path";
    protected const string LiteralPathSet = "LiteralPath";

    /// <summary>File-system paths for -Path (wildcards) or -LiteralPath; unresolved items become errors.</summary>
    protected IEnumerable<string> ResolvePaths(string[]? paths, string[]? literalPaths)
    {
        if (literalPaths is not null)
        {
            foreach (string p in literalPaths)
            {
                string? resolved = null;
                try
                {
                    resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(p, out ProviderInfo provider, out _);
                    if (provider.Name != "FileSystem") { WriteNotFileSystem(p); continue; }
                }
                catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException)
                {
                    WriteError(new ErrorRecord(e, "PerfCapabilityPathNotFound", ErrorCategory.ObjectNotFound, p));
                    continue;
                }
                yield return resolved;
            }
            yield break;
        }
        foreach (string p in paths ?? Array.Empty<string>())
        {
            Collection<string>? resolved = null;
            try
            {
                resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(p, out ProviderInfo provider);
                if (provider.Name != "FileSystem") { WriteNotFileSystem(p); continue; }
            }
            catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException)
            {
                WriteFailure(new PerfSecurityException("PerfCapabilityFileNotFound", FailureKind.ObjectNotFound,
                    $"Cannot find '{p}': {e.Message}", p, e));
                continue;
            }
            foreach (string r in resolved) yield return r;
        }
    }

    private void WriteNotFileSystem(string p)
        => WriteFailure(new PerfSecurityException("PerfCapabilityNotAFileSystemPath", FailureKind.InvalidArgument,
            $"'{p}' is not a file-system path; file capabilities exist only on files.", p));

    /// <summary>The three sets from -Capability/-Flag or -Text, failing with a stable id on bad input.</summary>
    protected static CapabilityState DesiredState(string[]? capability, string? flag, string? text)
    {
        if (text is not null) return CapabilityText.Parse(text);
        var set = CapabilitySet.Parse(capability ?? Array.Empty<string>());
        string f = (flag ?? "ep").ToLowerInvariant();
        if (f.Length == 0 || f.Any(c => c is not ('e' or 'i' or 'p')))
            throw new PerfSecurityException("PerfCapabilityInvalidFlag", FailureKind.InvalidArgument,
                $"'{flag}' is not a flag combination. Use letters e (effective), i (inheritable) and p (permitted), for example 'ep'.", flag);
        return new CapabilityState(f.Contains('e', StringComparison.Ordinal) ? set : CapabilitySet.Empty, f.Contains('p', StringComparison.Ordinal) ? set : CapabilitySet.Empty, f.Contains('i', StringComparison.Ordinal) ? set : CapabilitySet.Empty);
    }
}

/// <summary>Completes capability names, each with its meaning as tooltip.</summary>
public sealed class CapabilityNameCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values()
        => CapabilityTable.All().Select(c => (c.Name, $"{c.Number}: {c.Meaning}"));
}
