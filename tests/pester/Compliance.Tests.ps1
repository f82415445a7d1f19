# The compliance suite shipped in the module folder, run against this host with NUnit output.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:Suite = Join-Path (Get-Module PerfSecurity).ModuleBase 'Compliance/PerfSecurity.Compliance.Tests.ps1'
    $script:Out = Join-Path ([IO.Path]::GetTempPath()) ("pstcompliance{0}" -f (Get-Random))
    $null = New-Item -ItemType Directory $Out

    function script:Invoke-Suite([hashtable] $Data, [string] $Xml) {
        # A nested Invoke-Pester in a child pwsh, so that its results do not mix with this run.
        $pester = (Get-Module Pester).Path
        $dataJson = ($Data | ConvertTo-Json -Compress) -replace "'", "''"
        $cmd = @"
Import-Module '$pester'; Import-Module '$ModuleDir'
`$d = @{}; (ConvertFrom-Json '$dataJson').PSObject.Properties | ForEach-Object { `$d[`$_.Name] = `$_.Value }
`$c = New-PesterConfiguration
`$c.Run.Container = New-PesterContainer -Path '$Suite' -Data `$d
`$c.Run.PassThru = `$true
`$c.Output.Verbosity = 'None'
`$c.TestResult.Enabled = `$true; `$c.TestResult.OutputFormat = 'NUnitXml'; `$c.TestResult.OutputPath = '$Xml'
`$r = Invoke-Pester -Configuration `$c
"`$(`$r.PassedCount) `$(`$r.FailedCount) `$(`$r.SkippedCount) `$(`$r.InconclusiveCount)"
"@
        $line = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $cmd | Select-Object -Last 1
        $p, $f, $s, $i = $line -split ' '
        [pscustomobject]@{ Passed = [int]$p; Failed = [int]$f; Skipped = [int]$s; Inconclusive = [int]$i }
    }

    function script:Get-CaseResult([string] $Xml, [string] $Pattern) {
        ([xml](Get-Content -Raw $Xml)).SelectNodes('//test-case') | Where-Object name -Match $Pattern | ForEach-Object result
    }

    function script:Invoke-SuiteAt([int] $Level, [hashtable] $Data, [string] $Xml) {
        # Other test runs on this machine may change the level during the ~10 s run: retry while it moved.
        for ($try = 0; $try -lt 3; $try++) {
            $r = Use-ParanoidLevel $Level { $x = Invoke-Suite $Data $Xml; [pscustomobject]@{ Result = $x; Stable = (Get-ParanoidRuntime) -eq $Level } }
            if ($r.Stable) { break }
        }
        $r.Result
    }
}

AfterAll { Remove-Item -Recurse -Force $Out -ErrorAction SilentlyContinue }

Describe 'PerfSecurity.Compliance.Tests.ps1' -Tag Kernel {
    It 'ships in the module folder' {
        $Suite | Should -Exist
    }

    It 'runs the Scap profile against this host and writes NUnit XML with one test case per finding' {
        $xml = Join-Path $Out 'scap.xml'
        $r = Invoke-SuiteAt 2 @{ Profile = 'Scap' } $xml
        $xml | Should -Exist
        $doc = [xml](Get-Content -Raw $xml)
        $cases = $doc.SelectNodes('//test-case')
        $cases.Count | Should -Be ($r.Passed + $r.Failed + $r.Skipped + $r.Inconclusive)
        ($cases | Where-Object name -Match 'PERF-PARANOID-RUNTIME').result | Should -Be 'Success'
        $doc.SelectNodes('//test-suite[@type="TestFixture"]').name | Should -Contain 'PerfSecurity Scap'
    }

    It 'fails the Kspp profile at paranoid 2 and passes its paranoid case at 3' {
        $r2 = Invoke-SuiteAt 2 @{ Profile = 'Kspp' } (Join-Path $Out 'kspp2.xml')
        $r2.Failed | Should -BeGreaterOrEqual 1
        Get-CaseResult (Join-Path $Out 'kspp2.xml') 'PERF-PARANOID-RUNTIME' | Should -Be 'Failure'
        $null = Invoke-SuiteAt 3 @{ Profile = 'Kspp' } (Join-Path $Out 'kspp3.xml')
        Get-CaseResult (Join-Path $Out 'kspp3.xml') 'PERF-PARANOID-RUNTIME' | Should -Be 'Success'
    }

    It 'turns NotApplicable into skipped tests and takes -DataPath' {
        $data = Join-Path $Out 'data'
        $null = New-Item -ItemType Directory $data
        $r = Invoke-Suite @{ Profile = 'PerfSecurityGuide'; DataPath = @($data) } (Join-Path $Out 'guide.xml')
        $r.Skipped | Should -BeGreaterOrEqual 1
        $doc = [xml](Get-Content -Raw (Join-Path $Out 'guide.xml'))
        ($doc.SelectNodes('//test-case') | Where-Object name -Match 'PERF-DATA-READABLE').result | Should -Be 'Success'
    }
}
