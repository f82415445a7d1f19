# Recursive capability scan: Get-PerfCapability -Recurse with 1 and with 2 workers (-ThrottleLimit) against
# getcap -r, timed interleaved in this warm pwsh session, on /usr and on a generated tree (100 folders × 1,000
# files, 1,000 of them with capabilities). CPU time (user + system) of each is measured too: on a machine with as
# many cores as workers, wall time can fall to about CPU time / workers, never below.
param([string] $ModulePath, [int] $FileCount = 100000, [int] $CapCount = 1000, [int] $Count = 7, [int[]] $Workers = @(1, 2))
Import-Module $ModulePath
$ProgressPreference = 'SilentlyContinue'

function Compare-Scan([string] $Root, [int] $ThrottleLimit) {
    $ours = @(Get-PerfCapability -Path $Root -Recurse -ThrottleLimit $ThrottleLimit -WarningAction SilentlyContinue | ForEach-Object { "$($_.Path) $($_.Text)" } | Sort-Object)
    $peer = @(& getcap -r $Root 2>$null | Sort-Object)
    $diff = @(Compare-Object $ours $peer)
    if ($diff) { throw "Get-PerfCapability (-ThrottleLimit $ThrottleLimit) and getcap -r disagree on ${Root}: $($diff | Out-String)" }
    $ours.Count
}

function Measure-Run([scriptblock] $ScriptBlock) {
    # Wall and CPU (user + system, this process and the children it waited for) milliseconds of one run.
    $self = [Diagnostics.Process]::GetCurrentProcess()
    $children = { $s = (Get-Content /proc/self/stat -Raw) -replace '^.*\) ', '' -split ' '; ([double]$s[13] + [double]$s[14]) * 1000 / 100 }
    $self.Refresh(); $cpu0 = $self.TotalProcessorTime.TotalMilliseconds; $child0 = & $children
    $wall = (Measure-Command { $null = & $ScriptBlock }).TotalMilliseconds
    $self.Refresh()
    [pscustomobject]@{ Wall = $wall; Cpu = $self.TotalProcessorTime.TotalMilliseconds - $cpu0 + (& $children) - $child0 }
}

function Measure-Scan([string] $Root, [string] $Label) {
    $found = Compare-Scan $Root 1
    foreach ($w in $Workers) { if ($w -ne 1) { $null = Compare-Scan $Root $w } }
    # Interleaved: each round times every variant once, so load that comes and goes hits them alike.
    $runs = @{ peer = [Collections.Generic.List[object]]::new() }
    foreach ($w in $Workers) { $runs[$w] = [Collections.Generic.List[object]]::new() }
    foreach ($w in $Workers) { $null = Get-PerfCapability -Path $Root -Recurse -ThrottleLimit $w -WarningAction SilentlyContinue }
    $null = & getcap -r $Root 2>$null
    for ($i = 0; $i -lt $Count; $i++) {
        foreach ($w in $Workers) { $runs[$w].Add((Measure-Run { Get-PerfCapability -Path $Root -Recurse -ThrottleLimit $w -WarningAction SilentlyContinue })) }
        $runs.peer.Add((Measure-Run { & getcap -r $Root 2>$null }))
    }
    $peerWall = Get-Median @($runs.peer.Wall)
    $peerCpu = Get-Median @($runs.peer.Cpu)
    $files = [int](& find $Root -xdev -type f 2>$null | Measure-Object).Count
    foreach ($w in $Workers) {
        $wall = Get-Median @($runs[$w].Wall)
        $cpu = Get-Median @($runs[$w].Cpu)
        $target = if ($w -eq 1) { '' } else { 'ratio <= 0.35' }
        $met = if ($w -eq 1) { $null } else { $wall -le 0.35 * $peerWall }
        New-BenchRow -Benchmark "Get-PerfCapability -Recurse $Label, $w worker$(if ($w -ne 1) { 's' })" -Ours $wall -Peer $peerWall -PeerName 'getcap -r' -Target $target -Met $met `
            -Notes ("{0} regular files; same {1} files with capabilities found by both; CPU time (user+sys) per run {2:N0} ms, getcap {3:N0} ms with its start; median of {4} interleaved runs" -f $files, $found, $cpu, $peerCpu, $Count)
    }
}

Measure-Scan '/usr' '/usr'

$tree = Join-Path ([IO.Path]::GetTempPath()) "perfsecurity-bench-tree-$PID"
try {
    $perFolder = 1000
    $folders = [math]::Ceiling($FileCount / $perFolder)
    # touch with brace expansion: one process per folder instead of one per file.
    & bash -c "set -e; for d in `$(seq -w 1 $folders); do mkdir -p '$tree/d'`$d; (cd '$tree/d'`$d && touch f{0001..$($perFolder.ToString('0000'))}); done"
    # Spread the capable files over the folders; setcap takes many cap/file pairs per call.
    $capable = 0..($CapCount - 1) | ForEach-Object { '{0}/d{1}/f{2:0000}' -f $tree, ((($_ % $folders) + 1).ToString().PadLeft("$folders".Length, '0')), ([math]::Floor($_ / $folders) + 1) }
    for ($i = 0; $i -lt $capable.Count; $i += 200) {
        $pairs = $capable[$i..([math]::Min($i + 199, $capable.Count - 1))] | ForEach-Object { 'cap_perfmon,cap_sys_ptrace=ep'; $_ }
        & setcap @pairs
        if ($LASTEXITCODE) { throw 'setcap failed' }
    }
    Measure-Scan $tree "generated tree ($FileCount files, $CapCount capable)"
}
finally {
    Remove-Item -Recurse -Force $tree -ErrorAction SilentlyContinue
}
