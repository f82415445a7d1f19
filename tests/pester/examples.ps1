# The examples of a help source file (docs/help/<Name>.md), to be run as written.
function Get-HelpExample([string] $Name) {
    $text = [IO.File]::ReadAllText((Join-Path $RepoRoot "docs/help/$Name.md"))
    $examples = [regex]::Matches($text, '(?ms)^### (Example \d+: [^\n]+)\n```powershell\n(.*?)\n```')
    foreach ($m in $examples) { @{ Title = $m.Groups[1].Value; Code = $m.Groups[2].Value } }
}

function Invoke-HelpExample([string] $Code, [string] $Directory) {
    # Runs the example in $Directory in a child pwsh that has only the module loaded; returns its output and errors.
    $script = "`$ErrorActionPreference = 'Stop'; Import-Module '$ModuleDir'; Set-Location '$Directory'`n$Code"
    $out = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $script 2>&1
    [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($out | Out-String) }
}
