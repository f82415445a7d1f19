namespace PerfSecurity.IO;

/// <summary>What a configuration reader finds at a path.</summary>
public enum ConfigNodeKind
{
    /// <summary>A regular file, read.</summary>
    Regular,
    /// <summary>/dev/null (or a link to it): reads as empty; the usual way to mask a file of the same name.</summary>
    Empty,
    /// <summary>A directory: opening it succeeds, reading fails with EISDIR, so it adds nothing.</summary>
    Directory,
    /// <summary>Nothing there (or a dangling link).</summary>
    Missing,
    /// <summary>A FIFO: a reader that opens it without O_NONBLOCK waits for a writer, possibly forever.</summary>
    Fifo,
    /// <summary>A socket: opening it fails with ENXIO.</summary>
    Socket,
    /// <summary>A device node other than /dev/null: not read.</summary>
    Device,
    /// <summary>It exists but cannot be read by this process (permissions, a link loop).</summary>
    Unreadable,
    /// <summary>A regular file larger than <see cref="ConfigFiles.MaxBytes"/>: not read.</summary>
    TooLarge,
}
