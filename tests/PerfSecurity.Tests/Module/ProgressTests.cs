using System.Management.Automation;
using Xunit;

namespace PerfSecurity.Tests.Module;

/// <summary>Long operations report progress: run the cmdlets in a hosted runspace and read its progress stream.</summary>
public sealed class ProgressTests
{
    private static List<ProgressRecord> ProgressOf(string script)
    {
        using var ps = PowerShell.Create();
        ps.AddScript($"$ProgressPreference = 'Continue'; Import-Module '{typeof(Commands.GetPerfParanoidCommand).Assembly.Location}'; {script}");
        ps.Invoke();
        Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error));
        return ps.Streams.Progress.ToList();
    }

    [Fact]
    public void All_process_listing_reports_progress_and_completes()
    {
        var records = ProgressOf("$null = Get-PerfProcessCapability");
        Assert.Contains(records, r => r.Activity == "Reading process capabilities" && r.RecordType == ProgressRecordType.Completed);
    }

    [Fact]
    public void Recursive_capability_scan_reports_progress_and_completes()
    {
        string dir = Directory.CreateTempSubdirectory("psprogress").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "a"), "x");
            var records = ProgressOf($"$null = Get-PerfCapability -Path '{dir}' -Recurse");
            Assert.Contains(records, r => r.RecordType == ProgressRecordType.Completed);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Audit_log_reading_reports_progress_on_a_large_log()
    {
        string log = Path.Combine(Path.GetTempPath(), $"psprogress-{Guid.NewGuid():N}.log");
        try
        {
            using (var w = new StreamWriter(log))
            {
                for (int i = 0; i < 300_000; i++)
                    w.WriteLine($"type=SYSCALL msg=audit(1764446400.{i % 1000:D3}:{i}): arch=c000003e syscall=298 success=no exit=-13 comm=\"perf\" exe=\"/usr/bin/perf\" uid=1000");
            }
            var records = ProgressOf($"$null = Get-PerfCapabilityDenial -LiteralPath '{log}'");
            Assert.Contains(records, r => r.Activity == "Reading audit records" && r.RecordType == ProgressRecordType.Completed);
        }
        finally { File.Delete(log); }
    }
}
