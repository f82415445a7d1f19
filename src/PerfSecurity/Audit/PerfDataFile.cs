using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.Audit;

/// <summary>
/// A perf.data file found under -DataPath: recognised by its PERFILE2 magic (either byte order), with its mode and owner.
/// Only what the exposure check needs; the full reading of header features belongs to Get-PerfDataExposure.
/// </summary>
public sealed record PerfDataFile(string Path, FileStatus Status)
{
    public bool ReadableByOthers => (Status.Permissions & 0x4) != 0;
    public string ModeText => Convert.ToString(Status.Permissions, 8).PadLeft(4, '0');

    private static ReadOnlySpan<byte> MagicLittle => "PERFILE2"u8;
    private static ReadOnlySpan<byte> MagicBig => "2ELIFREP"u8;

    public static bool HasMagic(ReadOnlySpan<byte> head) => head.Length >= 8 && (head[..8].SequenceEqual(MagicLittle) || head[..8].SequenceEqual(MagicBig));

    /// <summary>Whether the file starts with the perf.data magic; unreadable files are reported to <paramref name="context"/>.</summary>
    public static bool IsPerfData(string path, AuditContext? context = null)
    {
        try
        {
            using var fd = FileSystem.Open(path, FileSystem.O_RDONLY | FileSystem.O_NOFOLLOW | FileSystem.O_NONBLOCK | FileSystem.O_NOCTTY);
            Span<byte> head = stackalloc byte[8];
            int n = FileSystem.Read(fd, head);
            return HasMagic(head[..n]);
        }
        catch (SystemCallException e)
        {
            if (e.Errno is Errno.EACCES or Errno.EPERM) context?.NoteUnreadable(path, Errno.Describe(e.Errno));
            return false;
        }
    }

    public static IReadOnlyList<PerfDataFile> Scan(IEnumerable<string> roots, AuditContext context)
    {
        var found = new List<PerfDataFile>();
        int seen = 0;
        foreach (string root in roots)
        {
            var pending = new Stack<string>();
            if (File.Exists(root)) { Consider(root); continue; }
            if (!Directory.Exists(root)) { context.NoteUnreadable(root, "no such file or directory"); continue; }
            pending.Push(root);
            while (pending.Count > 0)
            {
                context.Token.ThrowIfCancellationRequested();
                string dir = pending.Pop();
                IEnumerable<string> entries;
                try { entries = Directory.EnumerateFileSystemEntries(dir).ToList(); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { context.NoteUnreadable(dir, e.Message); continue; }
                foreach (string entry in entries)
                {
                    FileStatus st;
                    try { st = FileSystem.Stat(entry, followLinks: false); }
                    catch (SystemCallException) { continue; }
                    if (st.IsDirectory) pending.Push(entry);
                    else if (st.IsRegularFile) Consider(entry, st);
                }
            }
        }
        context.Progress("Scanning for perf.data files", $"{seen} files, {found.Count} perf.data", 100);
        return found;

        void Consider(string file, FileStatus? known = null)
        {
            if (++seen % 200 == 0) context.Progress("Scanning for perf.data files", $"{seen} files, {found.Count} perf.data: {file}", -1);
            FileStatus st;
            try { st = known ?? FileSystem.Stat(file, followLinks: false); }
            catch (SystemCallException) { return; }
            if (!st.IsRegularFile || st.Size < 8) return;
            if (IsPerfData(file, context)) found.Add(new PerfDataFile(file, st));
        }
    }
}
