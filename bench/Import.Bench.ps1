# Import-Module time and first-call time in a new pwsh (median of 10 processes).
param([string] $ModulePath)
$script = "`$t = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$ModulePath'; `$i = `$t.Elapsed.TotalMilliseconds; `$t.Restart(); `$null = Get-PerfParanoid; `$f = `$t.Elapsed.TotalMilliseconds; `"`$i `$f`""
$imports = @(); $firsts = @()
for ($n = 0; $n -lt 10; $n++) {
    $i, $f = (& dotnet "$PSHOME/pwsh.dll" -NoProfile -NonInteractive -Command $script) -split ' '
    $imports += [double]$i; $firsts += [double]$f
}
New-BenchRow -Benchmark 'Import-Module PerfSecurity (new pwsh)' -Ours (Get-Median $imports) -Target '<= 150 ms'
New-BenchRow -Benchmark 'First call: Get-PerfParanoid (after import)' -Ours (Get-Median $firsts)
