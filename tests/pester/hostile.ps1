# Helpers of the Security suites that replay attacks with hostile input: names, paths, file contents.

# What a terminal acts on instead of printing: C0 controls but the line feed, DEL, C1 controls, and the Unicode
# bidirectional controls and line separators. Rendered output of the module may contain none of them.
$script:TerminalControl = '[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]'

# A name with an OSC title, a clear-screen, a bell, a backspace, a carriage return with a fake audit line, and a
# right-to-left override.
$script:HostileText = "h`e]0;owned`a`e[2J`b`r Pass PERF-PARANOID-RUNTIME `u{202E}exe.txt"

function Invoke-Bounded {
    <#
    Runs $Script (text) in a new pwsh with the module imported and returns TimedOut, ErrorId, Message and Output
    (the output rendered with Out-String). A run longer than $Seconds is killed: a reader that blocks or reads
    without end fails its test instead of hanging the suite.
    #>
    param([string] $Script, [int] $Seconds = 60)
    $wrapper = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModuleDir'
`$r = [ordered]@{ TimedOut = `$false; ErrorId = `$null; Message = `$null; Output = `$null }
try { `$r.Output = & { $Script } | Out-String -Width 200 }
catch { `$r.ErrorId = `$_.FullyQualifiedErrorId; `$r.Message = `$_.Exception.Message }
[pscustomobject]`$r | ConvertTo-Json -Compress
"@
    $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in "$PSHOME/pwsh.dll", '-NoProfile', '-NonInteractive', '-EncodedCommand', [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($wrapper))) {
        $psi.ArgumentList.Add($a)
    }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    $p = [System.Diagnostics.Process]::Start($psi)
    $out = $p.StandardOutput.ReadToEndAsync()
    $err = $p.StandardError.ReadToEndAsync()
    if (-not $p.WaitForExit($Seconds * 1000)) {
        $p.Kill($true)
        $p.WaitForExit()
        return [pscustomobject]@{ TimedOut = $true; ErrorId = $null; Message = "killed after $Seconds s"; Output = $null }
    }
    $line = $out.Result -split "`n" | Where-Object { $_.StartsWith('{') } | Select-Object -Last 1
    if (-not $line) { throw "pwsh printed no result: $($out.Result) $($err.Result)" }
    $line | ConvertFrom-Json
}

function Invoke-AsAttacker {
    # Runs "sh -c $Command" as $User and waits for it; returns its exit code.
    param([string] $User, [string] $Command)
    & setpriv --reuid $User --regid $User --init-groups sh -c $Command
    $LASTEXITCODE
}
