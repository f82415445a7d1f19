<#
.SYNOPSIS
    The PerfSecurity audit as a Pester suite: one Describe per profile, one It per finding.
.DESCRIPTION
    Fail findings fail, Warning findings are Inconclusive, NotApplicable findings are Skipped. Run it with
        Invoke-PerfSecurityCompliance -Profile Scap -OutputFormat NUnitXml -OutputPath perf-compliance.xml
    which runs this file with Pester 5 against the PerfSecurity module loaded in the session.
#>
param(
    # PerfSecurityGuide, Scap, Kspp, Lynis or All.
    [string[]] $Profile = @('All'),
    # perf binaries to check (default: those found on PATH and the standard directories).
    [string[]] $Path,
    # Directories searched for perf.data files readable by others.
    [string[]] $DataPath
)

BeforeDiscovery {
    if (-not (Get-Module PerfSecurity)) { Import-Module (Join-Path $PSScriptRoot '..' 'PerfSecurity.psd1') }
    $audit = @{ Profile = $Profile }
    if ($Path) { $audit.Path = $Path }
    if ($DataPath) { $audit.DataPath = $DataPath }
    $findings = @(Invoke-PerfSecurityAudit @audit)
    $script:Profiles = foreach ($group in $findings | Group-Object { $_.Profile.ToString() }) {
        @{
            Name     = $group.Name
            Findings = @($group.Group | ForEach-Object {
                    @{
                        Id = $_.Id; Title = $_.Title; Status = $_.Status.ToString(); Severity = $_.Severity.ToString()
                        Expected = $_.Expected; Actual = $_.Actual; Remediation = $_.Remediation; Reference = $_.Reference
                        Label = if ($_.Target) { "$($_.Id) $($_.Target)" } else { $_.Id }
                    }
                })
        }
    }
}

Describe 'PerfSecurity <Name>' -ForEach $Profiles {
    It '<Label>: <Title>' -ForEach $Findings {
        switch ($Status) {
            'NotApplicable' { Set-ItResult -Skipped -Because $Actual }
            'Warning' { Set-ItResult -Inconclusive -Because "$Actual (expected $Expected). $Remediation" }
            'Fail' { throw "[$Severity] expected $Expected, found $Actual. Reference: $Reference. Remediation: $Remediation" }
        }
        $Status | Should -Be 'Pass'
    }
}
