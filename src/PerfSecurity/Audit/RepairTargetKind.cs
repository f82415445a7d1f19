
namespace PerfSecurity.Audit;

/// <summary>What a finding's Target names for its check, which decides what Repair may change.</summary>
public enum RepairTargetKind
{
    /// <summary>A system-wide setting: the finding has no target.</summary>
    None,
    /// <summary>A perf binary (see <see cref="RepairTarget.IsPerfBinary"/>).</summary>
    PerfBinary,
    /// <summary>A perf.data file.</summary>
    PerfDataFile,
}
