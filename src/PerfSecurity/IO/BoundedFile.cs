using System.Text;
using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.IO;

/// <summary>
/// The one way the module reads a file. It never blocks and never reads without end: the file is opened
/// O_RDONLY|O_NONBLOCK|O_NOCTTY|O_CLOEXEC (O_NOFOLLOW when asked), must be a regular file by fstat on the
/// descriptor (a FIFO, a device or a socket is refused before a byte is read), and is read up to a bound the
/// caller gives. The bound is on bytes read, not on the size fstat reports, because procfs and sysfs files say 0.
/// Failures carry the caller's error id prefix: &lt;prefix&gt;NotFound, &lt;prefix&gt;OpenFailed, &lt;prefix&gt;IsSymbolicLink,
/// &lt;prefix&gt;NotRegularFile, &lt;prefix&gt;TooLarge and &lt;prefix&gt;ReadFailed.
/// </summary>
public static class BoundedFile
{
    /// <summary>Configuration files, scripts, sudoers rules: far more than any real one.</summary>
    public const long TextLimit = 4L << 20;
    /// <summary>A value under /proc or /sys.</summary>
    public const long KernelValueLimit = 64L << 10;
    /// <summary>/etc/passwd and /etc/group of a host with many local accounts.</summary>
    public const long AccountDatabaseLimit = 64L << 20;
    /// <summary>The prefix used when a caller has no area of its own.</summary>
    public const string DefaultPrefix = "PerfFile";

    /// <summary>
    /// Opens a regular file for reading. The path is looked at first, so a device is normally not even opened;
    /// the descriptor is checked again, so a path swapped in between is refused too.
    /// </summary>
    public static FileDescriptor Open(string path, string errorIdPrefix = DefaultPrefix, bool noFollow = false)
        => Open(path, errorIdPrefix, noFollow, out _);

    public static FileDescriptor Open(string path, string errorIdPrefix, bool noFollow, out FileStatus status)
    {
        try
        {
            RequireRegular(FileSystem.Stat(path, followLinks: !noFollow), path, errorIdPrefix, noFollow);
        }
        catch (SystemCallException e)
        {
            throw OpenFailure(e, path, errorIdPrefix);
        }
        FileDescriptor fd;
        try
        {
            fd = FileSystem.Open(path, FileSystem.O_RDONLY | FileSystem.O_NONBLOCK | FileSystem.O_NOCTTY | (noFollow ? FileSystem.O_NOFOLLOW : 0));
        }
        catch (SystemCallException e)
        {
            throw OpenFailure(e, path, errorIdPrefix);
        }
        try
        {
            status = FileSystem.Stat(fd);
            RequireRegular(status, path, errorIdPrefix, noFollow);
            return fd;
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A regular file for sequential reading of at most <paramref name="maxBytes"/> bytes: refused up front when its
    /// size says more, and the read that would pass the bound fails with &lt;prefix&gt;TooLarge.
    /// </summary>
    public static Stream OpenStream(string path, long maxBytes, string errorIdPrefix, out FileStatus status)
    {
        FileDescriptor fd = Open(path, errorIdPrefix, noFollow: false, out status);
        if ((long)status.Size > maxBytes)
        {
            fd.Dispose();
            throw TooLarge(path, maxBytes, errorIdPrefix);
        }
        return new LimitedStream(fd, maxBytes, path, errorIdPrefix);
    }

    /// <summary>The whole file, at most <paramref name="maxBytes"/> bytes; a longer one is &lt;prefix&gt;TooLarge.</summary>
    public static byte[] ReadAllBytes(string path, long maxBytes, string errorIdPrefix = DefaultPrefix, bool noFollow = false)
    {
        using FileDescriptor fd = Open(path, errorIdPrefix, noFollow, out FileStatus status);
        return ReadAll(fd, status, maxBytes, path, errorIdPrefix);
    }

    /// <summary>The whole file as UTF-8 text (a byte order mark dropped), at most <paramref name="maxBytes"/> bytes.</summary>
    public static string ReadAllText(string path, long maxBytes, string errorIdPrefix = DefaultPrefix, bool noFollow = false)
        => Decode(ReadAllBytes(path, maxBytes, errorIdPrefix, noFollow));

    /// <summary>As <see cref="ReadAllText"/>, or null when the file is missing, unreadable, not regular or too large.</summary>
    public static string? TryReadAllText(string path, long maxBytes, bool noFollow = false)
    {
        try { return ReadAllText(path, maxBytes, DefaultPrefix, noFollow); }
        catch (PerfSecurityException) { return null; }
    }

    /// <summary>The first bytes of a file (fewer at its end); for magic numbers and #! lines.</summary>
    public static int ReadHead(string path, Span<byte> buffer, string errorIdPrefix = DefaultPrefix, bool noFollow = false)
    {
        using FileDescriptor fd = Open(path, errorIdPrefix, noFollow);
        int total = 0;
        try
        {
            while (total < buffer.Length)
            {
                int n = FileSystem.Read(fd, buffer[total..]);
                if (n == 0) break;
                total += n;
            }
        }
        catch (SystemCallException e)
        {
            throw ReadFailure(e, path, errorIdPrefix);
        }
        return total;
    }

    /// <summary>Reads an open regular file to its end, refusing more than <paramref name="maxBytes"/>.</summary>
    public static byte[] ReadAll(FileDescriptor fd, FileStatus status, long maxBytes, string path, string errorIdPrefix = DefaultPrefix)
    {
        if ((long)status.Size > maxBytes) throw TooLarge(path, maxBytes, errorIdPrefix);
        // One byte more than allowed tells a file that grew (or a procfs file that says 0) from one that fits.
        long capacity = Math.Min(maxBytes + 1, Math.Max((long)status.Size + 1, 4096));
        var buffer = new byte[Math.Min(capacity, Array.MaxLength)];
        int total = 0;
        try
        {
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (total > maxBytes) throw TooLarge(path, maxBytes, errorIdPrefix);
                    Array.Resize(ref buffer, (int)Math.Min(Math.Min((long)buffer.Length * 2, maxBytes + 1), Array.MaxLength));
                }
                int n = FileSystem.Read(fd, buffer.AsSpan(total));
                if (n == 0) break;
                total += n;
                if (total > maxBytes) throw TooLarge(path, maxBytes, errorIdPrefix);
            }
        }
        catch (SystemCallException e)
        {
            throw ReadFailure(e, path, errorIdPrefix);
        }
        return total == buffer.Length ? buffer : buffer[..total];
    }

    public static string Decode(byte[] bytes)
    {
        int skip = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        return Encoding.UTF8.GetString(bytes, skip, bytes.Length - skip);
    }

    private static void RequireRegular(FileStatus st, string path, string prefix, bool noFollow)
    {
        if (st.IsRegularFile) return;
        if (noFollow && st.IsSymbolicLink)
            throw new PerfSecurityException(prefix + "IsSymbolicLink", FailureKind.SecurityError,
                $"'{path}' is a symbolic link, which is not followed here; give the file it points to.", path);
        throw new PerfSecurityException(prefix + "NotRegularFile", FailureKind.InvalidArgument,
            $"'{path}' is {KindOf(st)}, not a regular file; only regular files are read, so that a pipe or a device cannot block or flood the reader.", path);
    }

    internal static string KindOf(FileStatus st) => (st.Mode & FileStatus.S_IFMT) switch
    {
        FileStatus.S_IFDIR => "a directory",
        FileStatus.S_IFLNK => "a symbolic link",
        0x1000 => "a FIFO (named pipe)",
        0x2000 => "a character device",
        0x6000 => "a block device",
        0xC000 => "a socket",
        _ => "a special file",
    };

    private static PerfSecurityException TooLarge(string path, long maxBytes, string prefix)
        => new(prefix + "TooLarge", FailureKind.LimitsExceeded,
            $"'{path}' is larger than the {maxBytes} bytes such a file may have; it was not read.", path);

    private static PerfSecurityException OpenFailure(SystemCallException e, string path, string prefix) => e.Errno switch
    {
        Errno.ENOENT or Errno.ENOTDIR => PerfSecurityException.FromSystemCall(prefix + "NotFound", e, $"The file '{path}' does not exist.", path),
        Errno.ELOOP => new PerfSecurityException(prefix + "IsSymbolicLink", FailureKind.SecurityError,
            $"'{path}' is a symbolic link, which is not followed here; give the file it points to.", path, e),
        _ => PerfSecurityException.FromSystemCall(prefix + "OpenFailed", e, $"Cannot open '{path}': {Errno.Describe(e.Errno)}.", path),
    };

    private static PerfSecurityException ReadFailure(SystemCallException e, string path, string prefix)
        => PerfSecurityException.FromSystemCall(prefix + "ReadFailed", e, $"Cannot read '{path}': {Errno.Describe(e.Errno)}.", path);

    private sealed class LimitedStream : Stream
    {
        private readonly FileDescriptor _fd;
        private readonly long _max;
        private readonly string _path, _prefix;
        private long _read;

        public LimitedStream(FileDescriptor fd, long max, string path, string prefix)
        {
            _fd = fd;
            _max = max;
            _path = path;
            _prefix = prefix;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n;
            try { n = FileSystem.Read(_fd, buffer); }
            catch (SystemCallException e) { throw ReadFailure(e, _path, _prefix); }
            _read += n;
            if (_read > _max) throw TooLarge(_path, _max, _prefix);
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _fd.Dispose();
            base.Dispose(disposing);
        }
    }
}
