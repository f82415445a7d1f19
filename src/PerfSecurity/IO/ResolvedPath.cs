using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.IO;

/// <summary>
/// A path walked by <see cref="SecurePath"/>: descriptors (O_PATH) of the directory that holds the last name and
/// of the entry itself (none when it does not exist yet). Everything done through it acts on these descriptors,
/// never on the path again.
/// </summary>
public sealed class ResolvedPath : IDisposable
{
    internal ResolvedPath(string path, FileDescriptor directory, string directoryPath, string name, FileDescriptor? entry, FileStatus? status)
    {
        Path = path;
        Directory = directory;
        DirectoryPath = directoryPath;
        Name = name;
        Entry = entry;
        Status = status;
    }

    /// <summary>The path as given.</summary>
    public string Path { get; }

    /// <summary>The directory that holds the entry, by the names walked (links followed, ".." applied).</summary>
    public string DirectoryPath { get; }

    /// <summary>The entry's name in <see cref="Directory"/>.</summary>
    public string Name { get; }

    /// <summary>The path walked: every link followed, every ".." applied.</summary>
    public string RealPath => Name == "." ? DirectoryPath : DirectoryPath == "/" ? "/" + Name : DirectoryPath + "/" + Name;

    /// <summary>The directory holding the entry (O_PATH): a dirfd for openat, renameat and unlinkat.</summary>
    public FileDescriptor Directory { get; }

    /// <summary>The entry (O_PATH|O_NOFOLLOW), or null when it does not exist.</summary>
    public FileDescriptor? Entry { get; }

    /// <summary>What statx said of the entry on its descriptor.</summary>
    public FileStatus? Status { get; }

    public bool Exists => Entry is not null;

    /// <summary>The caller's ErrorId prefix (PerfCapability, PerfUsersGroup, …).</summary>
    internal string Area { get; set; } = "PerfFile";

    /// <summary>
    /// Opens the file for reading or for changes by descriptor (fchown, fchmod, fsetxattr work on an O_RDONLY one).
    /// Anything but a regular file is refused before it is opened, so a FIFO or a device is never opened; the name
    /// is opened again in the walked directory with O_NOFOLLOW|O_NONBLOCK|O_NOCTTY and must be the same inode.
    /// </summary>
    public FileDescriptor OpenRegularFile(int access = FileSystem.O_RDONLY)
    {
        if (Status is not { } st)
            throw new PerfSecurityException(Area + "FileNotFound", FailureKind.ObjectNotFound, $"The file '{Path}' does not exist.", Path);
        RequireRegularFile(st);
        FileDescriptor fd;
        try
        {
            fd = FileSystem.OpenAt(Directory, Name, access | FileSystem.O_NOFOLLOW | FileSystem.O_NONBLOCK | FileSystem.O_NOCTTY, 0, RealPath);
        }
        catch (SystemCallException e)
        {
            throw e.Errno == Errno.ENOENT || e.Errno == Errno.ELOOP
                ? Replaced(e)
                : PerfSecurityException.FromSystemCall(Area + "OpenFailed", e, $"Cannot open '{Path}': {Errno.Describe(e.Errno)}.", Path);
        }
        try
        {
            FileStatus now = FileSystem.Stat(fd);
            if (now.Inode != st.Inode || now.Device != st.Device) throw Replaced(null);
            return fd;
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>The file's bytes through the walked descriptor, at most <paramref name="maxBytes"/> (…TooLarge beyond, not cut).</summary>
    public byte[] ReadAll(long maxBytes)
    {
        using FileDescriptor fd = OpenRegularFile();
        return BoundedFile.ReadAll(fd, FileSystem.Stat(fd), maxBytes, Path, Area);
    }

    /// <summary>The file as UTF-8 text (see <see cref="ReadAll"/>).</summary>
    public string ReadAllText(long maxBytes) => BoundedFile.Decode(ReadAll(maxBytes));

    /// <summary>Removes the entry from the walked directory (unlinkat); false when it was already gone.</summary>
    public bool Remove() => FileSystem.UnlinkAt(Directory, Name, 0, RealPath);

    /// <summary>Refuses a directory, FIFO, device, socket or link with …TargetNotRegularFile.</summary>
    public void RequireRegularFile(FileStatus st)
    {
        if (st.IsRegularFile) return;
        throw new PerfSecurityException(Area + "TargetNotRegularFile", FailureKind.InvalidArgument,
            $"'{Path}' is {BoundedFile.KindOf(st)}, not a regular file.", Path);
    }

    private PerfSecurityException Replaced(SystemCallException? e)
        => new(Area + "UntrustedPath", FailureKind.SecurityError,
            $"'{RealPath}' was replaced while it was being opened; nothing was changed. Run the command again, and find out who else changes '{DirectoryPath}'.", Path, e);

    public void Dispose()
    {
        Entry?.Dispose();
        Directory.Dispose();
    }
}
