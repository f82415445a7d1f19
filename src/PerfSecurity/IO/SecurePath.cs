using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.IO;

/// <summary>
/// Race-free resolution of a path for a change made as root. The path is walked one component at a time from a
/// descriptor of "/" with openat(O_PATH|O_NOFOLLOW); before a name is looked up, the directory it is looked up in
/// is checked on the descriptor held (statx AT_EMPTY_PATH): root-owned and writable by root alone, or sticky with
/// the entry found root-owned. A symbolic link on the way is followed only when root owns it (it sits in such a
/// directory already), by readlinkat on its descriptor (an absolute target restarts at "/", at most 40 links);
/// ".." is opened with openat(dir, "..") as the kernel does, never removed by text. A component that is missing,
/// vanishes or cannot be opened is a refusal. The result holds descriptors of the last directory and the file, so
/// every later check and change acts on what was walked, whatever happens to the names afterwards.
/// </summary>
public static class SecurePath
{
    /// <summary>The kernel's limit on links followed in one lookup (MAXSYMLINKS).</summary>
    public const int MaxLinks = 40;

    private const string Advice = "Use a path on which every directory is root-owned and writable by root alone (mode 0755, such as /usr/local/bin or /opt/<tool>).";

    /// <summary>
    /// Walks <paramref name="path"/>; throws a PerfSecurityException whose ErrorId starts with <paramref name="area"/>
    /// (for example PerfCapabilityUntrustedPath) when it cannot be trusted or does not lead to an entry.
    /// </summary>
    public static ResolvedPath Resolve(string path, string area, PathOptions options = PathOptions.None)
    {
        var outcome = Walk(path, options);
        if (outcome.Refusal is { } r)
            throw ToException(r, path, area);
        outcome.Result!.Area = area;
        return outcome.Result;
    }

    /// <summary>
    /// Whether anyone but root can change the file <paramref name="path"/> names or make the path name another
    /// file: a sentence naming the first weakness, or null when only root can. Null means every directory on the
    /// way (symbolic links followed only when root-owned, a last one included) is root-owned and writable by root
    /// alone, or sticky holding a root-owned entry (with <see cref="PathOptions.RootOnlyDirectories"/>, no sticky
    /// directory either); and the file exists, belongs to root and is not writable by its group or others.
    /// A missing or unreadable component is a weakness too; this never throws for a bad path. For read-only uses
    /// (an audit, deciding whether a program may be run as root); a change must use <see cref="Resolve"/> and act
    /// on its descriptors, since the answer may be stale by the time it is read.
    /// </summary>
    public static string? FindWeakness(string path, PathOptions options = PathOptions.FollowFinalLink)
        => FindWeakness(path, options, out _);

    /// <summary>As <see cref="FindWeakness(string, PathOptions)"/>; <paramref name="realPath"/> is the path walked when the walk got to the file.</summary>
    public static string? FindWeakness(string path, PathOptions options, out string? realPath)
    {
        realPath = null;
        Outcome outcome;
        try { outcome = Walk(path, options & ~PathOptions.AllowMissing); }
        catch (SystemCallException e) { return $"'{path}' cannot be resolved ({e.Message})"; }
        if (outcome.Refusal is { } r) return r.Sentence;
        using ResolvedPath resolved = outcome.Result!;
        realPath = resolved.RealPath;
        FileStatus st = resolved.Status!.Value;
        if (st.Uid != 0) return $"'{resolved.RealPath}' belongs to {Who(st.Uid)}";
        if ((st.Permissions & FileStatus.GroupOrOtherWrite) != 0) return $"'{resolved.RealPath}' is writable by {((st.Permissions & FileStatus.S_IWOTH) != 0 ? "every user" : "its group")}";
        return null;
    }

    /// <summary>
    /// Whether only root can change where the symbolic link <paramref name="path"/> leads: every directory on the way
    /// as <see cref="Resolve"/> wants it, and the link itself root's. A sentence naming the first weakness, or null.
    /// For read-only uses, like <see cref="FindWeakness(string, PathOptions)"/>; never throws for a bad path.
    /// </summary>
    public static string? LinkWeakness(string path)
    {
        Outcome outcome;
        try { outcome = Walk(path, PathOptions.None); }
        catch (SystemCallException e) { return $"'{path}' cannot be resolved ({e.Message})"; }
        if (outcome.Result is { } result)
        {
            result.Dispose();
            return null; // not a link: nothing is followed
        }
        if (outcome.Refusal!.Kind != PathRefusalKind.FinalLink) return outcome.Refusal.Sentence;
        FileStatus st;
        try { st = FileSystem.Stat(path, followLinks: false); }
        catch (SystemCallException e) { return $"'{path}' cannot be examined ({e.Message})"; }
        return st.Uid == 0 ? null : $"'{path}' is a symbolic link that belongs to {Who(st.Uid)}";
    }

    internal static PerfSecurityException ToException(Refusal r, string path, string area) => r.Kind switch
    {
        PathRefusalKind.Untrusted => new PerfSecurityException(area + "UntrustedPath", FailureKind.SecurityError,
            $"{r.Sentence}, so '{path}' could be made to name another file while it is being changed. {Advice}", path),
        PathRefusalKind.NotFound => new PerfSecurityException(area + "FileNotFound", FailureKind.ObjectNotFound, r.Sentence + ".", path),
        PathRefusalKind.FinalLink => new PerfSecurityException(area + "TargetIsSymlink", FailureKind.InvalidArgument, r.Sentence + ".", path),
        _ => new PerfSecurityException(area + "OpenFailed", r.Errno == 0 ? FailureKind.InvalidOperation : PerfSecurityException.KindOf(r.Errno), r.Sentence + ".", path,
            r.Errno == 0 ? null : new SystemCallException("openat", r.Errno, path)),
    };

    internal sealed record Refusal(PathRefusalKind Kind, string Sentence, int Errno = 0);

    internal readonly record struct Outcome(ResolvedPath? Result, Refusal? Refusal);

    /// <summary>A directory on the walk: its descriptor (O_PATH), what statx said of it, and the path it was reached by.</summary>
    private sealed record Directory(FileDescriptor Fd, FileStatus Status, string RealPath);

    private static readonly int PathFlags = FileSystem.O_PATH | FileSystem.O_NOFOLLOW;

    internal static Outcome Walk(string path, PathOptions options)
    {
        if (path.Length == 0) return Refuse(PathRefusalKind.NotFound, "The path is empty");
        if (path.Contains('\0', StringComparison.Ordinal)) return Refuse(PathRefusalKind.NotFound, $"The path '{path.Replace("\0", "\\0", StringComparison.Ordinal)}' contains a NUL character");
        string full = path[0] == '/' ? path : Environment.CurrentDirectory + "/" + path;

        // Names still to look up, front first; a link's target is put in front of the rest.
        var pending = new LinkedList<string>(full.Split('/'));
        // "x/", "x/." and "x/.." name a directory: a file there is ENOTDIR, as for the kernel.
        bool mustBeDirectory = full.EndsWith('/') || full.EndsWith("/.", StringComparison.Ordinal) || full.EndsWith("/..", StringComparison.Ordinal);
        var stack = new List<Directory>();
        try
        {
            stack.Add(OpenRoot());
            int links = 0;
            while (true)
            {
                string? name = NextName(pending);
                Directory current = stack[^1];
                if (name is null) return Finish(stack, path, null, null, null);
                if (name == "..")
                {
                    if (stack.Count == 1) continue; // "/.." is "/"
                    var up = StepUp(stack);
                    if (up is not null) return new Outcome(null, up);
                    continue;
                }

                bool last = !HasMoreNames(pending);
                string entryPath = Join(current.RealPath, name);
                // Who could replace the entry: anyone who may write the directory, unless it is sticky and the entry root's.
                string? writers = Writers(current);
                bool stickyException = false;
                if (writers is not null)
                {
                    bool sticky = (current.Status.Permissions & FileStatus.S_ISVTX) != 0 && current.Status.Uid == 0;
                    if (!sticky || (options & PathOptions.RootOnlyDirectories) != 0)
                        return Refuse(PathRefusalKind.Untrusted, writers);
                    stickyException = true;
                }

                int err = FileSystem.TryOpenAt(current.Fd, name, PathFlags, out FileDescriptor? fd);
                if (err != 0)
                {
                    if (-err == Errno.ENOENT && last && !mustBeDirectory && (options & PathOptions.AllowMissing) != 0)
                    {
                        if (stickyException)
                            return Refuse(PathRefusalKind.Untrusted, $"{writers}: someone else could create '{entryPath}' first");
                        return Finish(stack, path, name, null, null);
                    }
                    if (-err == Errno.ENOENT)
                        return Refuse(PathRefusalKind.NotFound, last ? $"'{entryPath}' does not exist" : $"The directory '{entryPath}' does not exist (or vanished while the path was resolved)");
                    return Refuse(PathRefusalKind.Failed, $"Cannot open '{entryPath}': {Errno.Describe(-err)}", -err);
                }
                FileStatus st;
                try { st = FileSystem.Stat(fd!); }
                catch { fd!.Dispose(); throw; }

                if (stickyException && st.Uid != 0)
                {
                    fd!.Dispose();
                    return Refuse(PathRefusalKind.Untrusted, $"'{entryPath}' belongs to {Who(st.Uid)} and sits in '{current.RealPath}', which every user may write (sticky: its owner can rename it)");
                }

                if (st.IsSymbolicLink)
                {
                    if (last && !mustBeDirectory && (options & PathOptions.FollowFinalLink) == 0)
                        return Refuse(PathRefusalKind.FinalLink, FinalLinkSentence(path, entryPath, fd!));
                    string target;
                    try
                    {
                        if (st.Uid != 0)
                            return Refuse(PathRefusalKind.Untrusted, $"'{entryPath}' is a symbolic link that belongs to {Who(st.Uid)}");
                        if (++links > MaxLinks)
                            return Refuse(PathRefusalKind.Failed, $"Cannot resolve '{path}': more than {MaxLinks} symbolic links (ELOOP)", Errno.ELOOP);
                        target = FileSystem.ReadLink(fd!, entryPath);
                    }
                    finally { fd!.Dispose(); }
                    if (target.Length == 0) return Refuse(PathRefusalKind.NotFound, $"The symbolic link '{entryPath}' is empty");
                    var parts = target.Split('/');
                    for (int i = parts.Length - 1; i >= 0; i--) pending.AddFirst(parts[i]);
                    if (target[0] == '/')
                    {
                        for (int i = stack.Count - 1; i > 0; i--) stack[i].Fd.Dispose();
                        stack.RemoveRange(1, stack.Count - 1);
                    }
                    continue;
                }

                if (st.IsDirectory)
                {
                    stack.Add(new Directory(fd!, st, entryPath));
                    continue;
                }

                if (!last || mustBeDirectory)
                {
                    fd!.Dispose();
                    return Refuse(PathRefusalKind.Failed, $"'{entryPath}' is not a directory", Errno.ENOTDIR);
                }
                return Finish(stack, path, name, fd, st);
            }
        }
        finally
        {
            foreach (var d in stack) d.Fd.Dispose(); // Finish moved the ones it keeps out of the stack
        }
    }

    /// <summary>The refusal of a last-place link names where it leads, so the caller can give that path instead.</summary>
    private static string FinalLinkSentence(string path, string entryPath, FileDescriptor link)
    {
        using (link)
        {
            string target, real;
            try { target = FileSystem.ReadLink(link, entryPath); }
            catch (SystemCallException) { return $"'{path}' is a symbolic link, which is not followed in the last place. Give the path of the file itself"; }
            try { real = FileSystem.RealPath(entryPath); }
            catch (SystemCallException) { real = target; }
            return $"'{path}' is a symbolic link to '{target}', which is not followed in the last place. Give the path of the file itself ({real})";
        }
    }

    private static Directory OpenRoot()
    {
        var fd = FileSystem.Open("/", FileSystem.O_PATH | FileSystem.O_DIRECTORY);
        try { return new Directory(fd, FileSystem.Stat(fd), "/"); }
        catch { fd.Dispose(); throw; }
    }

    /// <summary>".." as the kernel takes it; refused when it is not the directory the walk came through (moved meanwhile).</summary>
    private static Refusal? StepUp(List<Directory> stack)
    {
        Directory current = stack[^1], parent = stack[^2];
        int err = FileSystem.TryOpenAt(current.Fd, "..", PathFlags | FileSystem.O_DIRECTORY, out FileDescriptor? fd);
        if (err != 0) return new Refusal(PathRefusalKind.Failed, $"Cannot open '{current.RealPath}/..': {Errno.Describe(-err)}", -err);
        using (fd)
        {
            FileStatus st = FileSystem.Stat(fd!);
            if (st.Inode != parent.Status.Inode || st.Device != parent.Status.Device)
                return new Refusal(PathRefusalKind.Untrusted, $"'{current.RealPath}/..' is not '{parent.RealPath}' any more (the directory was moved while the path was resolved)");
        }
        current.Fd.Dispose();
        stack.RemoveAt(stack.Count - 1);
        return null;
    }

    /// <summary>Moves the last directory (and the entry) out of the stack into the result.</summary>
    private static Outcome Finish(List<Directory> stack, string path, string? name, FileDescriptor? entry, FileStatus? status)
    {
        if (name is null)
        {
            // The path names a directory: its parent holds it under the last name walked.
            Directory self = stack[^1];
            if (stack.Count == 1)
            {
                // "/" itself: its own directory, reached again as "." so that each descriptor has one owner.
                var again = FileSystem.OpenAt(self.Fd, ".", PathFlags | FileSystem.O_DIRECTORY);
                stack.RemoveAt(0);
                return new Outcome(new ResolvedPath(path, self.Fd, "/", ".", again, self.Status), null);
            }
            stack.RemoveAt(stack.Count - 1);
            Directory parent = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            return new Outcome(new ResolvedPath(path, parent.Fd, parent.RealPath, System.IO.Path.GetFileName(self.RealPath), self.Fd, self.Status), null);
        }
        Directory dir = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return new Outcome(new ResolvedPath(path, dir.Fd, dir.RealPath, name, entry, status), null);
    }

    /// <summary>Who besides root may add, rename or remove entries of the directory; null when nobody.</summary>
    private static string? Writers(Directory d)
    {
        if (d.Status.Uid != 0) return $"'{d.RealPath}' belongs to {Who(d.Status.Uid)}";
        if ((d.Status.Permissions & FileStatus.S_IWOTH) != 0) return $"'{d.RealPath}' is writable by every user";
        if ((d.Status.Permissions & FileStatus.S_IWGRP) != 0) return $"'{d.RealPath}' is writable by its group (gid {d.Status.Gid})";
        return null;
    }

    internal static string Who(uint uid)
    {
        string? name = null;
        try { name = Accounts.UserById(uid)?.Name; } catch (SystemCallException) { }
        return name is null ? $"uid {uid}" : $"uid {uid} ({name})";
    }

    private static string? NextName(LinkedList<string> pending)
    {
        while (pending.First is { } node)
        {
            pending.RemoveFirst();
            if (node.Value is not ("" or ".")) return node.Value;
        }
        return null;
    }

    private static bool HasMoreNames(LinkedList<string> pending)
    {
        foreach (string s in pending) if (s is not ("" or ".")) return true;
        return false;
    }

    private static string Join(string dir, string name) => dir == "/" ? "/" + name : dir + "/" + name;

    private static Outcome Refuse(PathRefusalKind kind, string sentence, int errno = 0) => new(null, new Refusal(kind, sentence, errno));
}
