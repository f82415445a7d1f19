using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.IO;

/// <summary>
/// A file that a tool opening by name (Pester's test result writer follows links and truncates) writes for root.
/// The target is walked first (<see cref="SecurePath"/>: a link or a directory another user planted on the way is
/// refused before the tool runs); the tool writes into a private directory (root's, mode 0700, in a directory only
/// root can rename it from); <see cref="Commit()"/> then puts the bytes in place through the walked directory
/// (<see cref="AtomicFile"/>). Root's write can never land on a file a user chose.
/// </summary>
public sealed class StagedOutputFile : IDisposable
{
    /// <summary>The largest result accepted back from the tool.</summary>
    public const long MaxBytes = 256L << 20;

    private readonly ResolvedPath _target;
    private readonly string _directory;
    private readonly string _area;

    private StagedOutputFile(ResolvedPath target, string directory, string area)
    {
        _target = target;
        _directory = directory;
        _area = area;
        StagingPath = Path.Combine(directory, target.Name);
    }

    /// <summary>Where the tool writes.</summary>
    public string StagingPath { get; }

    /// <summary>
    /// Walks <paramref name="path"/> (the file may be missing) and makes the private directory; refusals carry
    /// <paramref name="area"/> (…UntrustedPath, …TargetIsSymlink, …FileNotFound).
    /// </summary>
    public static StagedOutputFile Create(string path, string area)
    {
        ResolvedPath target = SecurePath.Resolve(path, area, PathOptions.AllowMissing);
        string? directory = null;
        try
        {
            if (target.Status is { } st) target.RequireRegularFile(st);
            // mkdtemp: mode 0700, a name nobody could create first. Under a TMPDIR someone else may rename in, refused.
            directory = Directory.CreateTempSubdirectory("perfsecurity-").FullName;
            if (SecurePath.FindWeakness(directory, PathOptions.None) is { } weak)
                throw new PerfSecurityException(area + "UntrustedPath", FailureKind.SecurityError,
                    $"{weak}: the temporary directory for '{path}' could be replaced by someone else. Set TMPDIR to a directory only root can change, such as /root/tmp.", directory);
            return new StagedOutputFile(target, directory, area);
        }
        catch
        {
            if (directory is not null) TryDelete(directory);
            target.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A staged file for a write the caller makes as root, or null when there is no <paramref name="path"/> or the
    /// caller is not root (a user's tool writes where the user's own permissions let it).
    /// </summary>
    public static StagedOutputFile? ForRoot(string? path, string area)
        => path is not null && FileSystem.GetEffectiveUserId() == 0 ? Create(path, area) : null;

    /// <summary>As <see cref="Commit(uint, uint)"/>, owned by root and the caller's group.</summary>
    public void Commit() => Commit(0, FileSystem.GetEffectiveGroupId());

    /// <summary>Replaces the target with what the tool wrote (mode 0644, owner and group given); nothing when it wrote nothing.</summary>
    public void Commit(uint owner, uint group)
    {
        if (!File.Exists(StagingPath)) return;
        byte[] bytes = BoundedFile.ReadAllBytes(StagingPath, MaxBytes, _area, noFollow: true);
        try { AtomicFile.Write(_target, bytes, 0x1A4 /* 0644 */, owner, group); }
        catch (SystemCallException e)
        {
            throw PerfSecurityException.FromSystemCall(_area + "WriteFailed", e, $"Cannot write '{_target.Path}': {Errno.Describe(e.Errno)}.", _target.Path);
        }
    }

    public void Dispose()
    {
        TryDelete(_directory);
        _target.Dispose();
    }

    private static void TryDelete(string directory)
    {
        try { Directory.Delete(directory, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
