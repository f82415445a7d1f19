namespace PerfSecurity.Audit;

/// <summary>Counts from one scan, for the caller's summary.</summary>
public sealed class AuditScanStatistics
{
    public long Lines { get; internal set; }
    public long Records { get; internal set; }
    public long Events { get; internal set; }
    public long BadLines { get; internal set; }
    /// <summary>The most events held open at once: what bounds memory.</summary>
    public int PeakPendingEvents { get; internal set; }
    /// <summary>The first few bad lines as "file:line: why".</summary>
    public List<string> BadLineSamples { get; } = new();
}
