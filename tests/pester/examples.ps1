# The examples of a help source file (docs/help/<Name>.md), to be run as written.
function Get-HelpExample([string] $Name) {
    $text = [IO.File]::ReadAllText((Join-Path $RepoRoot "docs/help/$Name.md"))
    $examples = [regex]::Matches($text, '(?ms)^### (Example \d+: [^\n]+)\n```powershell\n(.*?)\n```')
    foreach ($m in $examples) { @{ Title = $m.Groups[1].Value; Code = $m.Groups[2].Value } }
}

function Invoke-HelpExample([string] $Code, [string] $Directory, [string] $ModulePath, [switch] $NoImport) {
    # Runs the code in $Directory in a child pwsh that has the module loaded (unless -NoImport), with $ModulePath
    # in front of PSModulePath; returns its exit code and output.
    $import = if ($NoImport) { '' } else { "Import-Module '$ModuleDir'; " }
    $script = "`$ErrorActionPreference = 'Stop'; $import Set-Location '$Directory'`n$Code"
    $saved = $env:PSModulePath
    try {
        if ($ModulePath) { $env:PSModulePath = "$ModulePath$([IO.Path]::PathSeparator)$saved" }
        $out = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $script 2>&1
    }
    finally { $env:PSModulePath = $saved }
    [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($out | Out-String) }
}

function Get-ReadmeBlock([string] $Heading) {
    # The first powershell code block under a README heading, as written.
    $text = [IO.File]::ReadAllText((Join-Path $RepoRoot 'README.md'))
    $m = [regex]::Match($text, "(?ms)^#+ $([regex]::Escape($Heading))\s*$.*?^``````powershell\n(.*?)\n``````")
    if (-not $m.Success) { throw "README has no powershell block under '$Heading'" }
    $m.Groups[1].Value
}
