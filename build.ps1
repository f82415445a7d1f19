<#
.SYNOPSIS
    Builds, tests, benchmarks and packages the PerfSecurity module.
.PARAMETER Filter
    With -Task Test: run only the Pester tests of these areas. Each entry is a tag (Unprivileged, Kernel, Slow,
    Remoting, Security), a tag after '!' to leave that area out, or a file pattern under tests/pester
    ('Get-PerfAccess', 'Security.*'). xunit runs only when -XunitFilter is given too.
.PARAMETER XunitFilter
    With -Task Test: run only the xunit tests this dotnet test --filter expression selects
    ('FullyQualifiedName~Counting'). Pester runs only when -Filter is given too.
.EXAMPLE
    dotnet tool restore; dotnet pwsh -NoProfile -File ./build.ps1 -Task Test
.EXAMPLE
    dotnet pwsh -NoProfile -File ./build.ps1 -Task Test -Filter Remoting
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Bench', 'Package')]
    [string] $Task = 'Build',
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    [string[]] $Filter = @(),
    [string] $XunitFilter = ''
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = $PSScriptRoot
$out = Join-Path $root 'out'
$moduleOut = Join-Path $out 'PerfSecurity'
$resultsDir = Join-Path $out 'TestResults'

function Invoke-Native([string] $file, [string[]] $arguments) {
    & $file @arguments
    if ($LASTEXITCODE -ne 0) { throw "$file $($arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Invoke-ChildPwsh([string[]] $arguments) {
    # The same pwsh that runs this script (the dotnet tool), in a new process.
    & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive @arguments | Out-Host
    $LASTEXITCODE
}

function Get-NuGetPackageFolder {
    $line = dotnet nuget locals global-packages --list
    ($line -replace '^global-packages:\s*', '').Trim()
}

function Invoke-Build {
    $publish = Join-Path $root "src/PerfSecurity/bin/$Configuration/publish"
    Invoke-Native dotnet @('publish', "$root/src/PerfSecurity/PerfSecurity.csproj", '-c', $Configuration, '-o', $publish, '--nologo', '-v', 'q')
    if (Test-Path $moduleOut) { Remove-Item -Recurse -Force $moduleOut }
    $null = New-Item -ItemType Directory -Force -Path $moduleOut, (Join-Path $moduleOut 'en-US')
    Copy-Item "$publish/PerfSecurity.dll", "$publish/PerfSecurity.pdb" $moduleOut
    Copy-Item "$root/PerfSecurity.psd1", "$root/LICENSE", "$root/CHANGELOG.md" $moduleOut
    Copy-Item "$root/src/PerfSecurity/PerfSecurity.Format.ps1xml", "$root/src/PerfSecurity/PerfSecurity.Types.ps1xml" $moduleOut
    Copy-Item "$root/src/PerfSecurity/en-US/*" (Join-Path $moduleOut 'en-US')
    if (Test-Path "$root/src/PerfSecurity/Compliance") { Copy-Item -Recurse "$root/src/PerfSecurity/Compliance" $moduleOut }
    $helpFile = Join-Path $moduleOut 'en-US/PerfSecurity.dll-Help.xml'
    $code = Invoke-ChildPwsh @('-File', "$root/tools/Build-Help.ps1", '-ModulePath', $moduleOut, '-HelpSource', "$root/docs/help", '-OutFile', $helpFile)
    if ($code -ne 0) { throw "Building help failed ($code)" }
    Write-Host "Built $moduleOut"
}

function Invoke-XunitTests {
    # Once per target framework of the test project, one after the other (the tests change global state): net8.0 is
    # the runtime of pwsh 7.4, the oldest the module supports, net10.0 the one of the pwsh that runs the build.
    $project = "$root/tests/PerfSecurity.Tests/PerfSecurity.Tests.csproj"
    $frameworks = ([xml](Get-Content -Raw $project)).SelectSingleNode('/Project/PropertyGroup/TargetFrameworks').InnerText
    foreach ($framework in $frameworks.Split(';')) {
        $trx = Join-Path $resultsDir "xunit-$framework.trx"
        if (Test-Path $trx) { Remove-Item $trx }
        $arguments = @('test', $project, '-c', $Configuration, '-f', $framework, '--nologo',
            '--logger', "trx;LogFileName=$trx", '--logger', 'console;verbosity=normal')
        if ($XunitFilter) { $arguments += @('--filter', $XunitFilter) }
        & dotnet @arguments | Out-Host
        if (-not (Test-Path $trx)) { throw "xunit ($framework) produced no results (build failure?)" }
        $result = Read-TrxResult $trx
        $result.Name = "xunit $framework"
        $result
    }
}

function Invoke-PesterTests {
    Invoke-Native dotnet @('restore', "$root/tools/Modules.csproj", '--nologo', '-v', 'q')
    $pesterVersion = ([xml](Get-Content -Raw "$root/tools/Modules.csproj")).Project.ItemGroup.PackageDownload |
        Where-Object Include -EQ 'Pester' | ForEach-Object { $_.Version.Trim('[', ']') }
    $pester = Join-Path (Get-NuGetPackageFolder) "pester/$pesterVersion/tools/Pester.psd1"
    $summary = Join-Path $resultsDir 'pester-summary.json'
    $selected = Get-PesterSelection -Filter $Filter -TestRoot "$root/tests/pester"
    $list = { param($items) ($items | ForEach-Object { "'$_'" }) -join ', ' }
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$pester'
`$env:PERFSECURITY_MODULE = '$moduleOut'
`$c = New-PesterConfiguration
`$c.Run.Path = @($(& $list $selected.Path))
`$c.Filter.Tag = @($(& $list $selected.Tag))
`$c.Filter.ExcludeTag = @($(& $list $selected.ExcludeTag))
`$c.Run.PassThru = `$true
`$c.Output.Verbosity = 'Detailed'
`$c.TestResult.Enabled = `$true
`$c.TestResult.OutputFormat = 'NUnitXml'
`$c.TestResult.OutputPath = '$resultsDir/pester.xml'
`$r = Invoke-Pester -Configuration `$c
. '$root/tools/TestResults.ps1'
ConvertFrom-PesterResult `$r | ConvertTo-Json -Depth 4 | Set-Content '$summary'
"@
    if (Test-Path $summary) { Remove-Item $summary }
    $null = Invoke-ChildPwsh @('-Command', $script)
    if (-not (Test-Path $summary)) { return [pscustomobject]@{ Name = 'Pester'; Passed = 0; Failed = 1; Skipped = @(); Failures = @([pscustomobject]@{ Name = 'Pester'; Message = 'the Pester run ended without writing its summary (see above)' }) } }
    Get-Content -Raw $summary | ConvertFrom-Json
}

function Invoke-Package {
    $nupkgDir = Join-Path $out 'packages'
    $null = New-Item -ItemType Directory -Force -Path $nupkgDir
    $repoName = 'PerfSecurityBuild'
    $script = @"
`$ErrorActionPreference = 'Stop'
if (Get-PSResourceRepository -Name $repoName -ErrorAction SilentlyContinue) { Unregister-PSResourceRepository -Name $repoName }
Register-PSResourceRepository -Name $repoName -Uri '$nupkgDir' -Trusted
try { Publish-PSResource -Path '$moduleOut' -Repository $repoName -SkipDependenciesCheck }
finally { Unregister-PSResourceRepository -Name $repoName }
"@
    if ((Invoke-ChildPwsh @('-Command', $script)) -ne 0) { throw 'Packaging failed' }
    Get-ChildItem $nupkgDir -Filter *.nupkg | ForEach-Object { Write-Host "Packaged $($_.FullName)" }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Package' { Invoke-Build; Invoke-Package }
    'Bench' {
        Invoke-Build
        $code = Invoke-ChildPwsh @('-File', "$root/bench/Invoke-Benchmarks.ps1", '-ModulePath', $moduleOut, '-OutFile', "$root/docs/benchmarks.md")
        if ($code -ne 0) { throw "Benchmarks failed ($code)" }
    }
    'Test' {
        # Before anything else: every program the tests use is there, or installed now, or the run stops here.
        . "$root/tools/TestPrerequisites.ps1"
        . "$root/tools/TestResults.ps1"
        . "$root/tools/TestSelection.ps1"
        # A -Filter that names no tag and no file stops here, before anything runs.
        $null = Get-PesterSelection -Filter $Filter -TestRoot "$root/tests/pester"
        try { Install-TestPrerequisite } catch { Write-Host $_.Exception.Message; exit 1 }
        $null = New-Item -ItemType Directory -Force -Path $resultsDir
        Invoke-Build
        # No filter: everything. -Filter and -XunitFilter each select their runner, and only it runs.
        $results = @(
            if ($XunitFilter -or -not $Filter) { Invoke-XunitTests }
            if ($Filter -or -not $XunitFilter) { Invoke-PesterTests }
        )
        if ((Write-TestSummary -Result $results -InCi ($env:CI -eq 'true')) -gt 0) { exit 1 }
    }
}
