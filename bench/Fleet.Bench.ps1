# A fleet audit over SSH remoting: wall time for 1, 4, 8 and 16 simulated hosts (tests/pester/fleet.ps1: sshd
# instances in their own namespaces on this machine), each Import-Module PerfSecurity + Invoke-PerfSecurityAudit.
# With sessions, New-PSSession connects to all (pwsh starts on each host) and Invoke-Command -Session -ThrottleLimit T
# runs the audit T hosts at a time; Invoke-Command -HostName (which takes no -ThrottleLimit) does both in one step.
# The peer of each row is the one-host time: the ratio says how far from serial the fan-out is (N = fully serial).
param([string] $ModulePath, [int[]] $HostCounts = @(1, 4, 8, 16), [int[]] $Throttles = @(4, 16), [int] $Repeat = 3)

. "$PSScriptRoot/../tests/pester/fleet.ps1"
$keys = Join-Path ([IO.Path]::GetTempPath()) "perfsecurity-bench-fleet-$PID"
New-FleetKey $keys
$ssh = Get-FleetSshParameter $keys
$audit = { param($m) Import-Module $m; Invoke-PerfSecurityAudit -Profile Scap, Kspp }
$hosts = [System.Collections.Generic.List[object]]::new()
try {
    $max = ($HostCounts | Measure-Object -Maximum).Maximum
    for ($i = 1; $i -le $max; $i++) {
        $hosts.Add((Start-SimulatedHost -Name ('fleet{0:00}' -f $i) -KeyDirectory $keys -SysctlConf "kernel.perf_event_paranoid = $(1 + $i % 3)`n"))
    }
    $single = $null
    foreach ($n in $HostCounts) {
        $names = @($hosts | Select-Object -First $n | ForEach-Object HostName)
        $runs = foreach ($shape in @('HostName') + @($Throttles | ForEach-Object { "Session$_" })) {
            $walls = @(); $connects = @(); $counts = @()
            for ($r = 0; $r -lt $Repeat; $r++) {
                $t = [Diagnostics.Stopwatch]::StartNew()
                if ($shape -eq 'HostName') {
                    $found = @(Invoke-Command -HostName $names @ssh -ScriptBlock $audit -ArgumentList $ModulePath)
                    $connects += 0
                }
                else {
                    $sessions = New-PSSession -HostName $names @ssh
                    $connects += $t.Elapsed.TotalSeconds
                    try { $found = @(Invoke-Command -Session $sessions -ThrottleLimit ([int]$shape.Substring(7)) -ScriptBlock $audit -ArgumentList $ModulePath) }
                    finally { $sessions | Remove-PSSession }
                }
                $walls += $t.Elapsed.TotalSeconds
                $counts += @($found.ComputerName | Sort-Object -Unique).Count
            }
            if (($counts | Sort-Object -Unique) -ne $n) { throw "A fleet run of $n hosts heard from $($counts -join '/') hosts" }
            [pscustomobject]@{ Shape = $shape; Wall = (Get-Median $walls); Connect = (Get-Median $connects); Findings = $found.Count }
        }
        if ($n -eq 1) { $single = ($runs | Where-Object Shape -EQ 'HostName').Wall }
        foreach ($run in $runs) {
            $label = if ($run.Shape -eq 'HostName') { 'Invoke-Command -HostName (all at once)' } else { "New-PSSession + Invoke-Command -Session -ThrottleLimit $($run.Shape.Substring(7))" }
            $notes = "median of $Repeat; $($run.Findings) findings from $n host$(if ($n -gt 1) { 's' })"
            if ($run.Shape -ne 'HostName') { $notes += ('; connecting {0:0.0} s of it' -f $run.Connect) }
            New-BenchRow -Benchmark "Fleet audit over SSH, $n host$(if ($n -gt 1) { 's' }): $label" -Ours $run.Wall -Peer $single -PeerName 'one host' `
                -Unit 's' -Notes $notes
        }
    }
}
finally {
    Stop-SimulatedHost $hosts
    Remove-Item -Recurse -Force $keys -ErrorAction SilentlyContinue
}
