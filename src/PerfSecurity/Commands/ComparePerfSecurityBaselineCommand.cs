using System.Management.Automation;
using PerfSecurity.Baselines;
using PerfSecurity.Errors;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsData.Compare, "PerfSecurityBaseline")]
[OutputType(typeof(BaselineDifference))]
public sealed class ComparePerfSecurityBaselineCommand : PerfCmdlet
{
    // One parameter set, so that a piped string binds -Json. (-Baseline takes no pipeline input: a piped file would
    // also be coerced to -Json as its path.)

    /// <summary>A baseline file written by Export-PerfSecurityBaseline.</summary>
    [Parameter(Position = 0)]
    [Alias("Path")]
    [ValidateNotNullOrEmpty]
    public string? Baseline { get; set; }

    /// <summary>The baseline's JSON itself (for example sent to remote hosts with Invoke-Command -ArgumentList).</summary>
    [Parameter(ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public string? Json { get; set; }

    protected override void ProcessRecord()
    {
        if ((Json is null) == (Baseline is null))
            ThrowFailure(new PerfSecurityException("PerfBaselineMissing", FailureKind.InvalidArgument,
                "Give the baseline either as a file with -Baseline or as JSON text with -Json (or from the pipeline), not both."));
        PerfSecurityBaseline expected;
        try
        {
            if (Json is not null) expected = PerfSecurityBaseline.FromJson(Json, "-Json");
            else
            {
                string file = ResolveFile(Baseline!);
                expected = PerfSecurityBaseline.ReadFile(file);
            }
        }
        catch (PerfSecurityException e) { WriteFailure(e); return; }
        // Look at the same perf binaries the baseline recorded.
        var now = PerfSecurityBaseline.Capture(expected.BinaryPaths, u => WriteVerbose($"Not readable: {u}"));
        foreach (var d in BaselineComparer.Compare(expected, now)) WriteObject(d);
    }
}
