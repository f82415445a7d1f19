# Which tests build.ps1 -Task Test -Filter runs. Dot-sourced by build.ps1 and by tests/pester/Build.Tests.ps1.

function Get-TestTag {
    # The known areas (tests/tags.psd1): tag name -> what a test with it does.
    param([string] $ListPath = (Join-Path $PSScriptRoot '../tests/tags.psd1'))
    Import-PowerShellDataFile -Path $ListPath
}

function Get-PesterSelection {
    <#
    Turns -Filter entries into Pester's Run.Path, Filter.Tag and Filter.ExcludeTag. A known tag selects its area,
    '!' and a known tag leaves that area out, anything else is a pattern for test files under $TestRoot ('Acl',
    'Get-PerfAccess', 'Security.*'); a pattern that names no file is an error, so that a misspelt tag never runs
    everything or nothing.
    #>
    param(
        [string[]] $Filter = @(),
        [Parameter(Mandatory)] [string] $TestRoot,
        [string[]] $Tag = @((Get-TestTag).Keys)
    )
    $selection = [ordered]@{ Path = @(); Tag = @(); ExcludeTag = @() }
    foreach ($entry in $Filter) {
        $name = $entry.TrimStart('!')
        if ($Tag -contains $name) {
            if ($entry.StartsWith('!')) { $selection.ExcludeTag += $name } else { $selection.Tag += $name }
            continue
        }
        $found = @(Get-ChildItem -LiteralPath $TestRoot -Recurse -Filter '*.Tests.ps1' |
                Where-Object { $_.Name -like $entry -or $_.Name -like "$entry.Tests.ps1" })
        if ($found.Count -eq 0) {
            throw "-Filter '$entry' is neither a test tag ($(($Tag | Sort-Object) -join ', ')) nor a test file under $TestRoot"
        }
        $selection.Path += @($found.FullName | Where-Object { $selection.Path -notcontains $_ })
    }
    if ($selection.Path.Count -eq 0) { $selection.Path = @($TestRoot) }
    $selection
}
