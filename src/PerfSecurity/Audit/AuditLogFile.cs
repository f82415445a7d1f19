using Microsoft.Win32.SafeHandles;
using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.Audit;

/// <summary>Opens an audit log for sequential reading, refusing anything that could block (FIFOs, devices).</summary>
public static class AuditLogFile
{
    public const string DefaultPath = "/var/log/audit/audit.log";

    public static void Read(string path, DenialCollector collector, CancellationToken cancel = default, Action<long, long>? progress = null)
    {
        FileDescriptor fd;
        try { fd = FileSystem.Open(path, FileSystem.O_RDONLY | FileSystem.O_NONBLOCK | FileSystem.O_NOCTTY); }
        catch (SystemCallException e)
        {
            string hint = e.Errno == Errno.ENOENT && path == DefaultPath
                ? " auditd is not installed or has not logged yet: install the auditd package and start it, or give -Path."
                : e.IsPermissionError ? " Audit logs are readable by root (or the log_group of auditd.conf) only." : "";
            throw PerfSecurityException.FromSystemCall(e.Errno == Errno.ENOENT ? "PerfAuditLogNotFound" : "PerfAuditLogOpenFailed", e,
                $"Cannot open the audit log '{path}': {Errno.Describe(e.Errno)}.{hint}", path);
        }
        using (fd)
        {
            FileStatus st = FileSystem.Stat(fd);
            if (!st.IsRegularFile)
                throw new PerfSecurityException("PerfAuditLogNotRegularFile", FailureKind.InvalidArgument,
                    $"'{path}' is not a regular file; save the records to a file first (ausearch ... > file).", path);
            using var stream = new FileStream(new SafeFileHandle(new IntPtr(fd.Value), ownsHandle: false), FileAccess.Read, 1);
            collector.Read(progress is null ? stream : new IO.ProgressStream(stream, (long)st.Size, progress), path, cancel);
        }
    }
}
