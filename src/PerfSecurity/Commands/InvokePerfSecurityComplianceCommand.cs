using System.Management.Automation;
using PerfSecurity.Errors;
using PerfSecurity.IO;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsLifecycle.Invoke, "PerfSecurityCompliance")]
[OutputType(typeof(ComplianceResult))]
public sealed class InvokePerfSecurityComplianceCommand : PerfCmdlet
{
    /// <summary>The standard to check against (one Describe per profile; All runs each).</summary>
    [Parameter(Position = 0)]
    [ValidateSet("PerfSecurityGuide", "Scap", "Kspp", "Lynis", "All", IgnoreCase = true)]
    [ArgumentCompleter(typeof(AuditProfileCompleter))]
    public string Profile { get; set; } = "PerfSecurityGuide";

    /// <summary>NUnitXml (default) or JUnitXml, for -OutputPath.</summary>
    [Parameter]
    [ValidateSet("NUnitXml", "JUnitXml", IgnoreCase = true)]
    public string OutputFormat { get; set; } = "NUnitXml";

    /// <summary>The test result file to write; none without it.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutputPath { get; set; }

    /// <summary>perf binaries (or directories) to check instead of those found on PATH and the standard directories.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    /// <summary>Directories searched for perf.data files readable by others.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? DataPath { get; set; }

    private const string MinimumPester = "5.0.0";

    // Runs in this session, so the suite uses the PerfSecurity module loaded here, however it was imported.
    private const string RunSuite = """
        param($Pester, $Suite, $Data, $OutputFormat, $OutputPath)
        Import-Module $Pester -MinimumVersion 5.0.0 -ErrorAction Stop
        $c = New-PesterConfiguration
        $c.Run.Container = New-PesterContainer -Path $Suite -Data $Data
        $c.Run.PassThru = $true
        $c.Output.Verbosity = 'Normal'
        if ($OutputPath) {
            $c.TestResult.Enabled = $true
            $c.TestResult.OutputFormat = $OutputFormat
            $c.TestResult.OutputPath = $OutputPath
        }
        Invoke-Pester -Configuration $c
        """;

    protected override void EndProcessing()
    {
        // The folder of the module this command was loaded from (by name or by path), not some other installed copy.
        string moduleBase = MyInvocation.MyCommand.Module?.ModuleBase
            ?? System.IO.Path.GetDirectoryName(typeof(InvokePerfSecurityComplianceCommand).Assembly.Location) ?? ".";
        string suite = System.IO.Path.Combine(moduleBase, ComplianceResult.SuiteRelativePath);
        if (!File.Exists(suite))
            ThrowFailure(new PerfSecurityException("PerfComplianceSuiteMissing", FailureKind.ObjectNotFound,
                $"The compliance suite '{suite}' is missing from the module folder. Reinstall the PerfSecurity module.", suite));

        PSModuleInfo pester = FindPester();
        var data = new System.Collections.Hashtable { ["Profile"] = new[] { Profile } };
        if (Path is not null) data["Path"] = Path.Select(p => SessionState.Path.GetUnresolvedProviderPathFromPSPath(p)).ToArray();
        if (DataPath is not null) data["DataPath"] = DataPath.Select(p => SessionState.Path.GetUnresolvedProviderPathFromPSPath(p)).ToArray();
        string? output = OutputPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(OutputPath);
        // Pester opens the result file by name, following links: as root it writes into a private directory, and the
        // file is put in place through the walked path, so a link planted at -OutputPath cannot receive root's write.
        StagedOutputFile? staged = null;
        try
        {
            staged = StagedOutputFile.ForRoot(output, "PerfComplianceOutput");
        }
        catch (PerfSecurityException e)
        {
            ThrowFailure(e);
        }
        using (staged)
        {
            var results = InvokeCommand.InvokeScript(false, ScriptBlock.Create(RunSuite), null, pester.Path, suite, data, OutputFormat, staged?.StagingPath ?? output);
            try { staged?.Commit(); }
            catch (PerfSecurityException e) { ThrowFailure(e); }
            Report(results, pester, suite, output);
        }
    }

    private void Report(System.Collections.ObjectModel.Collection<PSObject> results, PSModuleInfo pester, string suite, string? output)
    {
        PSObject? run = results.LastOrDefault(r => r?.Properties["FailedCount"] is not null);
        if (run is null)
            ThrowFailure(new PerfSecurityException("PerfComplianceRunFailed", FailureKind.InvalidOperation,
                $"Pester {pester.Version} ran the suite but returned no result. Run it with -Verbose, or run '{suite}' with Invoke-Pester to see why.", suite));
        int Count(string name) => run!.Properties[name]?.Value is { } v ? Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture) : 0;
        TimeSpan duration = run!.Properties["Duration"]?.Value is TimeSpan t ? t : TimeSpan.Zero;
        if (Count("FailedContainersCount") > 0 || Count("FailedBlocksCount") > 0)
            WriteFailure(new PerfSecurityException("PerfComplianceSuiteFailed", FailureKind.InvalidResult,
                "The compliance suite itself failed (a container or a block, not a finding); see Pester's output above.", suite));
        WriteObject(new ComplianceResult(Profile, Count("PassedCount"), Count("FailedCount"), Count("SkippedCount"), Count("InconclusiveCount"),
            output, output is null ? null : OutputFormat, duration));
    }

    /// <summary>Pester 5 or later: the one loaded, else the newest installed; a clear error naming the install command otherwise.</summary>
    private PSModuleInfo FindPester()
    {
        var minimum = Version.Parse(MinimumPester);
        var loaded = InvokeCommand.InvokeScript("Get-Module -Name Pester").Select(o => o.BaseObject).OfType<PSModuleInfo>().ToList();
        var usable = loaded.Where(m => m.Version >= minimum).OrderByDescending(m => m.Version).FirstOrDefault();
        if (usable is not null) return usable;
        var installed = InvokeCommand.InvokeScript("Get-Module -Name Pester -ListAvailable").Select(o => o.BaseObject).OfType<PSModuleInfo>().ToList();
        usable = installed.Where(m => m.Version >= minimum).OrderByDescending(m => m.Version).FirstOrDefault();
        if (usable is not null) return usable;
        string found = loaded.Concat(installed).Select(m => m.Version).OrderByDescending(v => v).FirstOrDefault() is { } old
            ? $"Only Pester {old} was found; the suite needs {MinimumPester} or later (New-PesterConfiguration)."
            : "Pester was not found in this session nor on PSModulePath.";
        ThrowFailure(new PerfSecurityException("PerfCompliancePesterMissing", FailureKind.NotInstalled,
            $"{found} Install it with 'Install-PSResource Pester' (PowerShell 7.4 and later) or 'Install-Module Pester -MinimumVersion {MinimumPester} -Scope CurrentUser', then run this command again.",
            "Pester"));
        return null!;
    }
}
