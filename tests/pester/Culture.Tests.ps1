# Numbers written to the kernel and to files, and parsed from them, do not depend on the culture: the suites that
# write paranoid levels and capability text run again in a child pwsh under Swedish and Finnish cultures, where
# .NET formats -1 with U+2212 MINUS SIGN and groups digits with a no-break space.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:Pester = (Get-Module Pester).Path -replace 'psm1$', 'psd1'
    $script:Files = @('Set-PerfParanoid.Tests.ps1', 'Get-PerfCapability.Tests.ps1', 'ConvertFrom-PerfCapabilityMask.Tests.ps1') | ForEach-Object { Join-Path $PSScriptRoot $_ }

    function script:Invoke-PesterUnder([string] $Culture) {
        # The culture comes from the locale variables, as in a terminal of that language.
        $locale = $Culture.Replace('-', '_') + '.UTF-8'
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$Pester'
`$env:PERFSECURITY_MODULE = '$ModuleDir'
`$c = New-PesterConfiguration
`$c.Run.Path = @('$($Files -join "','")')
`$c.Run.PassThru = `$true
`$c.Output.Verbosity = 'None'
`$r = Invoke-Pester -Configuration `$c
[pscustomobject]@{
    Culture = [Globalization.CultureInfo]::CurrentCulture.Name
    MinusOne = (-1).ToString()
    Passed = `$r.PassedCount; Failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount; Skipped = `$r.SkippedCount
    Failures = @(`$r.Failed | ForEach-Object { "`$(`$_.ExpandedPath): `$(`$_.ErrorRecord[0].Exception.Message)" })
} | ConvertTo-Json -Compress
"@
        $psi = [Diagnostics.ProcessStartInfo]::new((Get-Process -Id $PID).Path)
        foreach ($a in (Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-Command', $script) { $psi.ArgumentList.Add($a) }
        $psi.Environment['LANG'] = $locale
        $psi.Environment['LC_ALL'] = $locale
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $p = [Diagnostics.Process]::Start($psi)
        $err = $p.StandardError.ReadToEndAsync()
        $out = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()
        $line = $out -split "`n" | Where-Object { $_.StartsWith('{') } | Select-Object -Last 1
        if (-not $line) { throw "The child pwsh under $Culture printed no result: $out $($err.Result)" }
        $line | ConvertFrom-Json
    }
}

Describe 'Under a culture whose minus sign is U+2212' -Tag Kernel, Slow {
    It 'passes Set-PerfParanoid and the capability text suites under <_>' -ForEach 'sv-SE', 'fi-FI' {
        $r = Invoke-PesterUnder $_
        $r.Culture | Should -Be $_
        $r.MinusOne | Should -Be ([string][char]0x2212 + '1') -Because 'the culture must be one that formats -1 with U+2212'
        $r.Failures | Should -BeNullOrEmpty
        $r.Failed | Should -Be 0
        $r.Passed | Should -BeGreaterThan 40
    }
}
