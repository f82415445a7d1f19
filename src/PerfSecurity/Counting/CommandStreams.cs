using PerfSecurity.Errors;
using PerfSecurity.IO;
using PerfSecurity.Native;

namespace PerfSecurity.Counting;

/// <summary>
/// Where a measured command's standard input, output and error go, as Start-Process's -Redirect* parameters: files
/// opened once (output truncated, as Start-Process does) and shared by every run; with Quiet, output and error not
/// redirected go to /dev/null.
/// </summary>
public sealed class CommandStreams : IDisposable
{
    private readonly List<FileDescriptor> _open = new();

    private CommandStreams() { }

    internal List<(FileDescriptor Fd, int Target)> Redirects { get; } = new();

    public static CommandStreams Open(string? input, string? output, string? error, bool quiet)
    {
        var streams = new CommandStreams();
        try
        {
            if (input is not null) streams.Add(OpenFile(input, FileSystem.O_RDONLY), 0);
            FileDescriptor? outFd = output is not null ? OpenOutput(output) : null;
            if (outFd is not null) streams.Add(outFd, 1);
            if (error is not null)
            {
                // One file for both, as 2>&1: one descriptor, so the two streams do not overwrite each other.
                bool same = outFd is not null && Path.GetFullPath(error) == Path.GetFullPath(output!);
                streams.Add(same ? outFd! : OpenOutput(error), 2, owned: !same);
            }
            if (quiet && (output is null || error is null))
            {
                FileDescriptor nul = OpenFile("/dev/null", FileSystem.O_WRONLY);
                if (output is null) streams.Add(nul, 1);
                if (error is null) streams.Add(nul, 2, owned: output is not null);
            }
            return streams;
        }
        catch
        {
            streams.Dispose();
            throw;
        }
    }

    private void Add(FileDescriptor fd, int target, bool owned = true)
    {
        if (owned) _open.Add(fd);
        Redirects.Add((fd, target));
    }

    // As root, the file truncated must be the one named: the path is walked (IO/SecurePath: a link or a directory
    // someone else could swap on the way is refused) and the name opened in the walked directory without following a
    // link. Other callers open it as a shell redirection does, with their own permissions.
    private static FileDescriptor OpenOutput(string path)
    {
        int flags = FileSystem.O_WRONLY | FileSystem.O_CREAT | FileSystem.O_TRUNC;
        if (FileSystem.GetEffectiveUserId() != 0) return OpenFile(path, flags);
        ResolvedPath walked;
        try { walked = SecurePath.Resolve(path, "PerfCounterRedirect", PathOptions.AllowMissing); }
        catch (PerfSecurityException e) when (e.ErrorId is "PerfCounterRedirectFileNotFound" or "PerfCounterRedirectOpenFailed")
        {
            // Not a refusal, just no such directory: the same error as for any other caller.
            throw new PerfSecurityException("PerfCounterRedirectFailed", e.Kind, $"Cannot open '{path}' for the command's output: {e.Message}", path, e);
        }
        using ResolvedPath target = walked;
        try
        {
            return FileSystem.OpenAt(target.Directory, target.Name, flags | FileSystem.O_NOFOLLOW, 0x1b6, target.RealPath);
        }
        catch (SystemCallException e)
        {
            throw Failed(path, flags, e);
        }
    }

    private static FileDescriptor OpenFile(string path, int flags)
    {
        try
        {
            return FileSystem.Open(path, flags, 0x1b6); // 0666, less the umask, as a shell redirection creates it
        }
        catch (SystemCallException e)
        {
            throw Failed(path, flags, e);
        }
    }

    private static PerfSecurityException Failed(string path, int flags, SystemCallException e)
        => new("PerfCounterRedirectFailed", PerfSecurityException.KindOf(e.Errno),
            $"Cannot open '{path}' for the command's {((flags & FileSystem.O_WRONLY) != 0 ? "output" : "input")}: {Errno.Describe(e.Errno)}.", path, e);

    public void Dispose()
    {
        foreach (FileDescriptor fd in _open.Distinct()) fd.Dispose();
        _open.Clear();
    }
}
