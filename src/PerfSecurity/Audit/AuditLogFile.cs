using PerfSecurity.Errors;
using PerfSecurity.IO;
using PerfSecurity.Native;

namespace PerfSecurity.Audit;

/// <summary>Opens an audit log for sequential reading, refusing anything that could block (FIFOs, devices) or never end.</summary>
public static class AuditLogFile
{
    public const string DefaultPath = "/var/log/audit/audit.log";
    /// <summary>More than any audit log (auditd rotates at max_log_file megabytes); a larger file is refused unread.</summary>
    public const long MaxBytes = 16L << 30;

    public static void Read(string path, DenialCollector collector, Action<long, long>? progress = null, CancellationToken cancel = default)
    {
        Stream stream;
        FileStatus st;
        try { stream = BoundedFile.OpenStream(path, MaxBytes, "PerfAuditLog", out st); }
        catch (PerfSecurityException e) when (e.InnerException is SystemCallException sc)
        {
            string hint = e.Kind == FailureKind.ObjectNotFound && path == DefaultPath
                ? " auditd is not installed or has not logged yet: install the auditd package and start it, or give -Path."
                : sc.IsPermissionError ? " Audit logs are readable by root (or the log_group of auditd.conf) only." : "";
            throw new PerfSecurityException(e.ErrorId, e.Kind, $"Cannot open the audit log '{path}': {Errno.Describe(sc.Errno)}.{hint}", path, sc);
        }
        catch (PerfSecurityException e) when (e.ErrorId == "PerfAuditLogNotRegularFile")
        {
            throw new PerfSecurityException(e.ErrorId, e.Kind, e.Message + " Save the records to a file first (ausearch ... > file).", path);
        }
        using (stream)
            collector.Read(progress is null ? stream : new ProgressStream(stream, (long)st.Size, progress), path, cancel);
    }
}
