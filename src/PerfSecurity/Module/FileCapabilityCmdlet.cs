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

    /// <summary>
    /// File-system paths for -Path (wildcards) or -LiteralPath; unresolved items become errors. A literal path is
    /// taken as written: a backslash stays part of the name (PowerShell's own resolution would make it a
    /// separator), and bytes that are not UTF-8 (held as U+DC80..U+DCFF, see PathBytes) reach the kernel intact.
    /// </summary>
    protected IEnumerable<string> ResolvePaths(string[]? paths, string[]? literalPaths)
    {
        if (literalPaths is not null)
        {
            foreach (string p in literalPaths)
            {
                string? resolved = null;
                try
                {
                    resolved = LiteralProviderPath(p);
                }
                catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException)
                {
                    WriteError(new ErrorRecord(e, "PerfCapabilityPathNotFound", ErrorCategory.ObjectNotFound, p));
                    continue;
                }
                if (resolved is null) { WriteNotFileSystem(p); continue; }
                yield return resolved;
            }
            yield break;
        }
        foreach (string p in paths ?? Array.Empty<string>())
        {
            // Text that names an existing file exactly is that file: a Path from Get-PerfCapability always leads
            // back to its file, even with [ ], a backslash, or bytes that are not UTF-8 in the name.
            string? literal = null;
            try { literal = LiteralProviderPath(p); }
            catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException) { }
            if (literal is not null && Exists(literal))
            {
                yield return literal;
                continue;
            }
            Collection<string>? resolved = null;
            try
            {
                resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(p, out ProviderInfo provider);
                if (provider.Name != "FileSystem") { WriteNotFileSystem(p); continue; }
            }
            catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException)
            {
                WriteFailure(new PerfSecurityException("PerfCapabilityFileNotFound", FailureKind.ObjectNotFound,
                    $"Cannot find '{Native.PathBytes.Display(p)}': {e.Message}", p, e));
                continue;
            }
            if (resolved.Count == 0)
                WriteFailure(new PerfSecurityException("PerfCapabilityFileNotFound", FailureKind.ObjectNotFound,
                    $"No file matches '{Native.PathBytes.Display(p)}'.", p));
            foreach (string r in resolved) yield return r;
        }
    }

    /// <summary>A path for messages: bytes that are not UTF-8 as \xNN.</summary>
    protected static string ShownPath(string path) => Native.PathBytes.Display(path);

    private static bool Exists(string path)
    {
        try { Native.FileSystem.Stat(path, followLinks: false); return true; }
        catch (SystemCallException) { return false; }
    }

    /// <summary>
    /// The file-system path a literal PowerShell path names, or null when it names another provider. Absolute
    /// paths are kept as written; relative ones start at the current location; ~, drive (Temp:/x) and provider
    /// (FileSystem::/x) qualifiers are resolved by PowerShell and the rest appended unchanged.
    /// </summary>
    private string? LiteralProviderPath(string p)
    {
        string? qualifierBase = null;
        string rest = p;
        int providerMark = p.IndexOf("::", StringComparison.Ordinal);
        int colon = p.IndexOf(':', StringComparison.Ordinal);
        if (providerMark > 0 && !p[..providerMark].Contains('/', StringComparison.Ordinal))
        {
            string provider = p[..providerMark];
            int slash = provider.LastIndexOf('\\');
            if (!string.Equals(slash < 0 ? provider : provider[(slash + 1)..], "FileSystem", StringComparison.OrdinalIgnoreCase)) return null;
            return LiteralProviderPath(p[(providerMark + 2)..]);
        }
        if (p.StartsWith('/')) return Tidy(p);
        if (p == "~" || p.StartsWith("~/", StringComparison.Ordinal))
        {
            qualifierBase = SessionState.Path.GetUnresolvedProviderPathFromPSPath("~");
            rest = p.Length > 2 ? p[2..] : "";
        }
        else if (colon > 0 && !p[..colon].Contains('/', StringComparison.Ordinal) && SessionState.Drive.GetAll().FirstOrDefault(d => d.Name.Equals(p[..colon], StringComparison.OrdinalIgnoreCase)) is { } drive)
        {
            if (drive.Provider.Name != "FileSystem") return null;
            rest = p[(colon + 1)..];
            // Drive:/x starts at the drive's root, Drive:x at its current location.
            qualifierBase = rest.StartsWith('/') ? drive.Root : SessionState.Path.GetUnresolvedProviderPathFromPSPath(drive.Name + ":");
        }
        else
        {
            if (SessionState.Path.CurrentLocation.Provider.Name != "FileSystem") return null;
            qualifierBase = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        }
        return Tidy(qualifierBase.TrimEnd('/') + "/" + rest.TrimStart('/'));
    }

    // Drops "." segments and repeated slashes, which never change the file named; ".." is left to the kernel,
    // which follows links before going up.
    private static string Tidy(string path)
    {
        var parts = path.Split('/').Where(s => s.Length > 0 && s != ".").ToArray();
        string tidy = "/" + string.Join('/', parts);
        return path.Length > 1 && path.EndsWith('/') && tidy.Length > 1 ? tidy + "/" : tidy;
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
        // The file keeps one effective bit over permitted ∪ inheritable, so 'e' alone would store nothing of the set.
        if (f.Contains('e', StringComparison.Ordinal) && !f.Contains('p', StringComparison.Ordinal) && !f.Contains('i', StringComparison.Ordinal) && !set.IsEmpty)
            throw new PerfSecurityException("PerfCapabilityInvalidEffective", FailureKind.InvalidArgument,
                $"The flag 'e' alone grants nothing: at exec a file's effective capabilities become its permitted and inheritable ones, and '{flag}' sets neither. Use 'ep' (or 'ei').", flag);
        return new CapabilityState(f.Contains('e', StringComparison.Ordinal) ? set : CapabilitySet.Empty, f.Contains('p', StringComparison.Ordinal) ? set : CapabilitySet.Empty, f.Contains('i', StringComparison.Ordinal) ? set : CapabilitySet.Empty);
    }
}

/// <summary>Completes capability names, each with its meaning as tooltip.</summary>
public sealed class CapabilityNameCompleter : FixedSetCompleter
{
    protected override IEnumerable<(string, string)> Values()
        => CapabilityTable.All().Select(c => (c.Name, $"{c.Number}: {c.Meaning}"));
}
