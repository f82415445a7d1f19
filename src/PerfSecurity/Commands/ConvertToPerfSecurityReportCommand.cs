using System.Management.Automation;
using PerfSecurity.Errors;
using PerfSecurity.Module;
using PerfSecurity.Reports;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsData.ConvertTo, "PerfSecurityReport")]
[OutputType(typeof(string))]
public sealed class ConvertToPerfSecurityReportCommand : PerfCmdlet
{
    private readonly List<ReportFinding> _findings = new();

    /// <summary>Findings of Invoke-PerfSecurityAudit: live, or read back from CliXML, JSON or remoting.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowNull]
    public PSObject?[]? InputObject { get; set; }

    /// <summary>Markdown (default) or Html.</summary>
    [Parameter]
    [ValidateSet("Markdown", "Html", IgnoreCase = true)]
    public string Format { get; set; } = "Markdown";

    /// <summary>The report's heading.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Title { get; set; } = "PerfSecurity report";

    protected override void ProcessRecord()
    {
        if (InputObject is null) return;
        foreach (var item in InputObject)
        {
            if (item is null) continue;
            try { _findings.Add(ToFinding(item)); }
            catch (PerfSecurityException e) { WriteFailure(e, item); }
        }
    }

    protected override void EndProcessing()
    {
        if (_findings.Count == 0)
        {
            ThrowFailure(new PerfSecurityException("PerfReportNoFindings", FailureKind.InvalidArgument,
                "There are no findings to report. Pipe the output of Invoke-PerfSecurityAudit (or of Import-Clixml, ConvertFrom-Json or Invoke-Command that brought it back) to this command."));
        }
        var report = new SecurityReport(_findings, Title, DateTime.UtcNow);
        WriteObject(Format.Equals("Html", StringComparison.OrdinalIgnoreCase) ? HtmlReport.Render(report) : MarkdownReport.Render(report));
    }

    private static ReportFinding ToFinding(PSObject item)
    {
        if (item.BaseObject is Finding live) return ReportFinding.From(live);
        object? stamp = item.Properties["Timestamp"]?.Value;
        DateTime? timestamp = stamp switch
        {
            DateTime d => d,
            PSObject { BaseObject: DateTime d } => d,
            _ => null,
        };
        // The finding's own ComputerName names the host itself; PSComputerName (added by remoting) is the name the caller used.
        return ReportFinding.Parse(Text(item, "ComputerName") ?? Text(item, "PSComputerName"), Text(item, "Profile"), Text(item, "Id"), Text(item, "Title"),
            Text(item, "Severity"), Text(item, "Status"), Text(item, "Expected"), Text(item, "Actual"), Text(item, "Remediation"),
            Text(item, "Reference"), Text(item, "Target"), timestamp);
    }

    private static string? Text(PSObject item, string name)
    {
        object? value = item.Properties[name]?.Value;
        if (value is PSObject pso) value = pso.BaseObject;
        return value switch
        {
            null => null,
            string s => s,
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
    }
}
