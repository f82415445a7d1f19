# All-process capability listing with extra processes alive: Get-PerfProcessCapability vs pscap -a.
param([string] $ModulePath, [int] $ExtraProcesses = 1000, [int] $Count = 5)
Import-Module $ModulePath

# pscap leaves out kernel threads and processes without capabilities; compare the same set.
function Get-OurPids { Get-PerfProcessCapability | Where-Object { -not $_.IsKernelThread -and ($_.PermittedMask -or $_.EffectiveMask -or $_.InheritableMask) } | ForEach-Object ProcessId }
function Get-PeerPids { & pscap -a | Select-Object -Skip 1 | ForEach-Object { [int](($_ -split '\s+')[1]) } }

# A parent bash starts the sleepers and waits for them, so they are reaped once we end them by pid.
$pidFile = Join-Path ([IO.Path]::GetTempPath()) "perfsecurity-bench-sleepers-$PID"
$start = [Diagnostics.ProcessStartInfo]::new('bash')
$start.ArgumentList.Add('-c')
$start.ArgumentList.Add("for i in `$(seq $ExtraProcesses); do sleep 60 </dev/null >/dev/null 2>&1 & echo `$! >> '$pidFile'; done; wait")
$parent = [Diagnostics.Process]::Start($start)
$deadline = [DateTime]::UtcNow.AddSeconds(30)
while ((-not (Test-Path $pidFile) -or @(Get-Content $pidFile).Count -lt $ExtraProcesses) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
$sleepers = @(Get-Content $pidFile)
try {
    $ours = @(Get-OurPids); $peer = @(Get-PeerPids)
    # Processes that started or ended between the two listings (pscap itself, our own children) do not count.
    $differ = @(Compare-Object $ours $peer | Where-Object { Test-Path "/proc/$($_.InputObject)" } | Where-Object {
        ($_.InputObject -notin (Get-OurPids)) -or ($_.InputObject -notin (Get-PeerPids)) })
    $same = @($ours | Where-Object { $_ -in $peer }).Count
    if ($differ.Count) { throw "Get-PerfProcessCapability and pscap -a disagree on pids $($differ.InputObject -join ', ')" }
    # 1 and 2 reader threads (-ThrottleLimit) and pscap, interleaved: load that comes and goes hits them alike.
    $times = @{ 1 = @(); 2 = @(); peer = @() }
    $null = Get-PerfProcessCapability -ThrottleLimit 1; $null = Get-PerfProcessCapability -ThrottleLimit 2; $null = & pscap -a
    for ($i = 0; $i -lt [math]::Max($Count, 9); $i++) {
        foreach ($w in 1, 2) { $times[$w] += (Measure-Command { $null = Get-PerfProcessCapability -ThrottleLimit $w }).TotalMilliseconds }
        $times.peer += (Measure-Command { $null = & pscap -a }).TotalMilliseconds
    }
    $p = Get-Median $times.peer
    $all = @(Get-ChildItem /proc -Directory -Name | Where-Object { $_ -match '^\d+$' }).Count
    foreach ($w in 1, 2) {
        $o = Get-Median $times[$w]
        New-BenchRow -Benchmark "Get-PerfProcessCapability, all processes (+$ExtraProcesses sleep), $w reader thread$(if ($w -ne 1) { 's' })" -Ours $o -Peer $p -PeerName 'pscap -a' -Target 'ratio <= 1.0' -Met ($o -le $p) `
            -Notes "$all processes; same $same capable user processes listed by both; median of $($times.peer.Count) interleaved runs"
    }
}
finally {
    if ($sleepers) { & kill @sleepers 2>$null }
    $null = $parent.WaitForExit(5000)
    Remove-Item $pidFile -ErrorAction SilentlyContinue
}
