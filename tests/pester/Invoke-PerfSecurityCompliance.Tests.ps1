# Invoke-PerfSecurityCompliance runs the shipped suite of the loaded module with Pester 5, in child sessions (a Pester
# run inside this one would mix with it), and says how to install Pester when it is missing.
BeforeDiscovery {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/examples.ps1"
    $script:Examples = @(Get-HelpExample Invoke-PerfSecurityCompliance)
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/examples.ps1"
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('pstcomply{0}' -f (Get-Random))
    # A module folder as PSModulePath wants it: PerfSecurity (this build) and Pester/<version>.
    $script:Mods = Join-Path $Work 'modules'
    $null = New-Item -ItemType Directory "$Mods/Pester"
    $pester = Get-Module Pester
    $null = New-Item -ItemType SymbolicLink -Path "$Mods/Pester/$($pester.Version)" -Target $pester.ModuleBase
    $null = New-Item -ItemType SymbolicLink -Path "$Mods/PerfSecurity" -Target $ModuleDir
    # PSModulePath for the child sessions: ours, then pwsh's own (which has no Pester).
    $script:OnlyPwsh = Join-Path $PSHOME 'Modules'

    function script:Invoke-Child([string] $Code, [string] $ModulePath, [string] $Directory = $Work) {
        $saved = $env:PSModulePath
        try {
            $env:PSModulePath = (@($ModulePath, $OnlyPwsh) | Where-Object { $_ }) -join [IO.Path]::PathSeparator
            $script = "`$ErrorActionPreference = 'Stop'; Set-Location '$Directory'`n$Code"
            $out = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $script 2>&1
        }
        finally { $env:PSModulePath = $saved }
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($out | Out-String) }
    }

    function script:Get-Result([string] $Output) {
        # The child prints the result as one JSON line.
        ($Output -split "`n" | Where-Object { $_ -match '^\{"Profile"' } | Select-Object -Last 1) | ConvertFrom-Json
    }
}

AfterAll { Remove-Item -Recurse -Force $Work -ErrorAction SilentlyContinue }

Describe 'Invoke-PerfSecurityCompliance' {
    It 'runs the suite of the module imported by path and writes <Format>, one test per finding' -Tag Kernel -ForEach @(
        @{ Format = 'NUnitXml'; Cases = '//test-case'; Failures = { param($x) @($x.SelectNodes('//test-case[@result="Failure"]')).Count } }
        @{ Format = 'JUnitXml'; Cases = '//testcase'; Failures = { param($x) [int]$x.testsuites.failures } }
    ) {
        $xml = Join-Path $Work "scap-$Format.xml"
        $r = Use-ParanoidLevel 1 {
            Invoke-Child -ModulePath $Mods -Code @"
Import-Module '$ModuleDir'
`$audit = @(Invoke-PerfSecurityAudit -Profile Scap)
`$r = Invoke-PerfSecurityCompliance -Profile Scap -OutputFormat $Format -OutputPath '$xml'
[pscustomobject]@{ Profile = `$r.Profile; Compliant = `$r.Compliant; Passed = `$r.Passed; Failed = `$r.Failed; Skipped = `$r.Skipped; Inconclusive = `$r.Inconclusive; OutputPath = `$r.OutputPath; AuditFail = @(`$audit | Where-Object Status -eq Fail).Count; AuditCount = `$audit.Count } | ConvertTo-Json -Compress
"@
        }
        $r.ExitCode | Should -Be 0 -Because $r.Output
        $res = Get-Result $r.Output
        $res.OutputPath | Should -Be $xml
        $doc = [xml](Get-Content -Raw $xml)
        $cases = @($doc.SelectNodes($Cases))
        $cases.Count | Should -Be $res.AuditCount
        ($res.Passed + $res.Failed + $res.Skipped + $res.Inconclusive) | Should -Be $res.AuditCount
        if ($res.Failed -ne $res.AuditFail) { Set-ItResult -Skipped -Because 'another test run changed the paranoid level during the run' }
        $res.Failed | Should -BeGreaterThan 0   # paranoid 1 fails SCAP's runtime check
        (& $Failures $doc) | Should -Be $res.Failed
        $res.Compliant | Should -BeFalse
        ($cases | ForEach-Object name) -join ' ' | Should -Match 'PERF-PARANOID-RUNTIME'
    }

    It 'uses the loaded module''s suite, not another copy on PSModulePath' {
        # A decoy copy of the module whose suite fails at once: it must not be what runs.
        $decoy = Join-Path $Work 'decoy'
        $null = New-Item -ItemType Directory $decoy
        Copy-Item -Recurse $ModuleDir "$decoy/PerfSecurity"
        Set-Content "$decoy/PerfSecurity/Compliance/PerfSecurity.Compliance.Tests.ps1" "Describe 'decoy' { It 'is the decoy' { throw 'decoy suite ran' } }"
        $r = Invoke-Child -ModulePath "$decoy$([IO.Path]::PathSeparator)$Mods" -Code @"
Import-Module '$ModuleDir'
`$r = Invoke-PerfSecurityCompliance -Profile Kspp
`$r | Select-Object Profile, Passed, Failed, Skipped, Inconclusive | ConvertTo-Json -Compress
"@
        $r.ExitCode | Should -Be 0 -Because $r.Output
        $r.Output | Should -Not -Match 'decoy'
        $res = Get-Result $r.Output
        ($res.Passed + $res.Failed + $res.Skipped + $res.Inconclusive) | Should -BeGreaterThan 0
    }

    It 'imports Pester 5 from PSModulePath when the session has not loaded it, for the module imported by name' {
        $r = Invoke-Child -ModulePath $Mods -Code @'
Import-Module PerfSecurity
$r = Invoke-PerfSecurityCompliance -Profile Lynis
"pester $((Get-Module Pester).Version)"
$r | Select-Object Profile, Passed, Failed, Skipped, Inconclusive | ConvertTo-Json -Compress
'@
        $r.ExitCode | Should -Be 0 -Because $r.Output
        $r.Output | Should -Match "pester $([regex]::Escape((Get-Module Pester).Version.ToString()))"
        (Get-Result $r.Output).Profile | Should -Be 'Lynis'
    }

    It 'stops with PerfCompliancePesterMissing, naming the install commands, when there is no Pester' {
        $r = Invoke-Child -ModulePath $null -Code @"
Import-Module '$ModuleDir'
try { Invoke-PerfSecurityCompliance -Profile Scap -OutputPath x.xml } catch { "ERRORID `$(`$_.FullyQualifiedErrorId) `$(`$_.CategoryInfo.Category)"; `$_.Exception.Message }
"@
        $r.Output | Should -Match 'ERRORID PerfCompliancePesterMissing,PerfSecurity.Commands.InvokePerfSecurityComplianceCommand NotInstalled'
        $r.Output | Should -Match "Install-PSResource Pester"
        $r.Output | Should -Match 'Install-Module Pester -MinimumVersion 5\.0\.0'
        Join-Path $Work 'x.xml' | Should -Not -Exist
    }

    It 'says which Pester it found when only an older one is installed' {
        $old = Join-Path $Work 'old'
        $null = New-Item -ItemType Directory "$old/Pester/4.10.1"
        Set-Content "$old/Pester/4.10.1/Pester.psd1" "@{ ModuleVersion = '4.10.1'; GUID = 'a699dea5-2c73-4616-a270-1f7abb777e71' }"
        $r = Invoke-Child -ModulePath $old -Code @"
Import-Module '$ModuleDir'
try { Invoke-PerfSecurityCompliance } catch { "ERRORID `$(`$_.FullyQualifiedErrorId)"; `$_.Exception.Message }
"@
        $r.Output | Should -Match 'ERRORID PerfCompliancePesterMissing'
        $r.Output | Should -Match 'Only Pester 4\.10\.1 was found'
    }

    It 'runs README''s compliance snippet as written' {
        $code = Get-ReadmeBlock 'A compliance suite for CI'
        $code | Should -Match 'Invoke-PerfSecurityCompliance'
        $dir = Join-Path $Work 'readme'
        $null = New-Item -ItemType Directory $dir
        $r = Invoke-Child -ModulePath $Mods -Directory $dir -Code $code
        $r.ExitCode | Should -Be 0 -Because $r.Output
        $out = [regex]::Match($code, '-OutputPath (\S+)').Groups[1].Value
        $file = Join-Path $dir $out
        $file | Should -Exist
        @(([xml](Get-Content -Raw $file)).SelectNodes('//testcase')).Count | Should -BeGreaterThan 0
    }

    It 'runs <Title> as written' -ForEach $Examples {
        $dir = Join-Path $Work ('example{0}' -f (Get-Random))
        $null = New-Item -ItemType Directory $dir
        $r = Invoke-HelpExample $Code $dir -ModulePath $Mods
        $r.ExitCode | Should -Be 0 -Because $r.Output
    }

    It 'completes -Profile and -OutputFormat' {
        $line = 'Invoke-PerfSecurityCompliance -Profile K'
        (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Be 'Kspp'
        $line = 'Invoke-PerfSecurityCompliance -OutputFormat '
        (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Sort-Object | Should -Be @('JUnitXml', 'NUnitXml')
    }
}
