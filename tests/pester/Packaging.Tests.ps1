BeforeAll { . "$PSScriptRoot/common.ps1" }

Describe 'Packaging' {
    It 'publishes to a folder repository, installs with Install-PSResource into an empty module path and imports by name' {
        $work = Join-Path ([IO.Path]::GetTempPath()) ("pspkg" + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory "$work/repo", "$work/home"
        try {
            # A fresh HOME: the CurrentUser module path and the repository list start empty.
            $script = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name PerfSecurityTest -Uri '$work/repo' -Trusted
Publish-PSResource -Path '$ModuleDir' -Repository PerfSecurityTest -SkipDependenciesCheck
if (Get-Module -ListAvailable PerfSecurity) { throw 'module path not empty' }
Install-PSResource -Name PerfSecurity -Repository PerfSecurityTest -Scope CurrentUser -TrustRepository
"@
            # NuGet writes its NuGet/NuGet.Config below the working folder when HOME has no config: keep it in $work.
            $env:HOME, $oldHome = "$work/home", $env:HOME
            Push-Location $work
            try {
                & dotnet "$PSHOME/pwsh.dll" -NoProfile -NonInteractive -Command $script
                $LASTEXITCODE | Should -Be 0
                Get-ChildItem "$work/repo" -Filter 'PerfSecurity.*.nupkg' | Should -HaveCount 1
                $out = & dotnet "$PSHOME/pwsh.dll" -NoProfile -NonInteractive -Command `
                    'Import-Module PerfSecurity; $m = Get-Module PerfSecurity; "$($m.ModuleBase)|$((Get-PerfParanoid).Level)"'
                $LASTEXITCODE | Should -Be 0
                $base, $level = "$out".Trim() -split '\|'
                $base | Should -BeLike "$work/home/*"
                [int]$level | Should -Be (Get-ParanoidRuntime)
            }
            finally { $env:HOME = $oldHome; Pop-Location }
        }
        finally { Remove-Item -Recurse -Force $work }
    }

    It 'has a manifest ready for the gallery' {
        $m = Test-ModuleManifest (Join-Path $ModuleDir 'PerfSecurity.psd1')
        $m.CompatiblePSEditions | Should -Be 'Core'
        $m.PowerShellVersion | Should -Be ([version]'7.4')
        $m.Tags | Should -Contain 'perf'
        $m.Description | Should -Not -BeNullOrEmpty
        $m.LicenseUri | Should -Not -BeNullOrEmpty
        $m.ReleaseNotes | Should -Not -BeNullOrEmpty
    }

    It 'says what this version holds: ReleaseNotes and CHANGELOG.md (shipped beside the manifest) open with its number' {
        $m = Test-ModuleManifest (Join-Path $ModuleDir 'PerfSecurity.psd1')
        $version = $m.Version.ToString(3)
        $m.ReleaseNotes | Should -Match "^$([regex]::Escape($version)):"
        $m.ReleaseNotes | Should -Match 'CHANGELOG\.md'
        $first = Get-Content (Join-Path $ModuleDir 'CHANGELOG.md') | Where-Object { $_ -like '## *' } | Select-Object -First 1
        $first | Should -BeExactly "## $version"
    }
}
