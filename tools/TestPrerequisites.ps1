# What the tests need from the machine (tests/prerequisites.psd1), what of it is missing, and how to install it.
# Dot-sourced by build.ps1 -Task Test and by tests/pester/Build.Tests.ps1 (which points it at fake PATHs).

function Get-TestPrerequisite {
    # The list as objects: Kind (Program or File), Name, Package, For.
    param([string] $ListPath = (Join-Path $PSScriptRoot '../tests/prerequisites.psd1'))
    $list = Import-PowerShellDataFile -Path $ListPath
    foreach ($p in $list.Programs) { [pscustomobject]@{ Kind = 'Program'; Name = $p.Name; Package = $p.Package; For = $p.For } }
    foreach ($f in $list.Files) { [pscustomobject]@{ Kind = 'File'; Name = $f.Name; Package = $f.Package; For = $f.For } }
}

function Find-MissingTestPrerequisite {
    <#
    The prerequisites that are not there: a program is there when an executable file of that name is in one of the
    directories of $SearchPath (a PATH string, as the tests will see it); a file when it exists under $Root.
    #>
    param(
        [Parameter(Mandatory)] [object[]] $Prerequisite,
        [string] $SearchPath = $env:PATH,
        [string] $Root = '/'
    )
    $dirs = @($SearchPath -split ':' | Where-Object { $_ })
    foreach ($p in $Prerequisite) {
        $found = if ($p.Kind -eq 'Program') {
            $dirs | Where-Object { Test-Executable (Join-Path $_ $p.Name) } | Select-Object -First 1
        } else {
            Test-Path -LiteralPath (Join-Path $Root $p.Name.TrimStart('/')) -PathType Leaf
        }
        if (-not $found) { $p }
    }
}

function Test-Executable([string] $Path) {
    if (-not (Test-Path -LiteralPath $Path -PathType Leaf)) { return $false }
    $mode = (Get-Item -LiteralPath $Path).UnixFileMode
    ($mode -band [IO.UnixFileMode]'UserExecute, GroupExecute, OtherExecute') -ne 0
}

function Test-EffectiveRoot {
    # The effective uid from /proc (no program needed: PATH may be the thing that is broken).
    $uid = (Get-Content /proc/self/status | Where-Object { $_ -like 'Uid:*' }) -split '\s+'
    $uid[2] -eq '0'
}

function Get-PackageList([object[]] $Missing) {
    @($Missing | ForEach-Object Package | Sort-Object -Unique)
}

function Format-MissingTestPrerequisite([object[]] $Missing) {
    # One line per package: which of its programs or files are missing.
    foreach ($g in $Missing | Group-Object Package | Sort-Object Name) {
        '{0} ({1})' -f $g.Name, (($g.Group | ForEach-Object Name) -join ', ')
    }
}

function Install-TestPrerequisite {
    <#
    Makes sure every prerequisite is there before any test runs. Missing ones are installed with apt-get (update, then
    install, saying what and why) when running as root on a machine with apt-get; otherwise this throws one message
    that lists exactly what is missing and the command that installs it. Throws too when apt-get left something missing.
    $IsRoot, $AptGet, $SearchPath and $Root exist so that the tests can run this logic against fake machines.
    #>
    param(
        [object[]] $Prerequisite = @(Get-TestPrerequisite),
        [string] $SearchPath = $env:PATH,
        [string] $Root = '/',
        [bool] $IsRoot = (Test-EffectiveRoot),
        [AllowEmptyString()] [string] $AptGet = (Get-Command apt-get -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1 | ForEach-Object Source)
    )
    $missing = @(Find-MissingTestPrerequisite -Prerequisite $Prerequisite -SearchPath $SearchPath -Root $Root)
    if ($missing.Count -eq 0) {
        Write-Host "Test prerequisites: all $($Prerequisite.Count) programs and files are there."
        return
    }
    $packages = Get-PackageList $missing
    $what = (Format-MissingTestPrerequisite $missing) -join '; '
    $command = "apt-get update && apt-get install -y $($packages -join ' ')"
    if (-not $IsRoot -or -not $AptGet) {
        $why = if (-not $AptGet) { 'this machine has no apt-get: install the equivalent packages, on Debian or Ubuntu' } else { 'not running as root: as root, run' }
        throw "The tests need programs this machine lacks, by Debian package: $what. Nothing was run; $why`: $command"
    }
    Write-Host "Installing the Debian packages the tests need: $what"
    $env:DEBIAN_FRONTEND = 'noninteractive'
    & $AptGet update -qq
    if ($LASTEXITCODE -ne 0) { throw "apt-get update failed (exit $LASTEXITCODE); install by hand: $command" }
    & $AptGet install -y -qq @packages
    if ($LASTEXITCODE -ne 0) { throw "apt-get install failed (exit $LASTEXITCODE); install by hand: $command" }
    $still = @(Find-MissingTestPrerequisite -Prerequisite $Prerequisite -SearchPath $SearchPath -Root $Root)
    if ($still.Count -gt 0) {
        throw "apt-get installed $($packages -join ' '), but these are still missing: $((Format-MissingTestPrerequisite $still) -join '; ')."
    }
    Write-Host "Installed: $($packages -join ' ')"
}
