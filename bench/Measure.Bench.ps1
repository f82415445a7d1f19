# Measure-PerfCommand vs perf stat on a short (/bin/true) and a ~0.5 s CPU-bound command: wall time added over
# running the command plainly, and agreement of task-clock, page-faults and context-switches (medians).
param([string] $ModulePath, [int] $Count = 9, [long] $Iterations = 650000000)
Import-Module $ModulePath
$events = 'task-clock', 'page-faults', 'context-switches'

function Invoke-Interleaved([scriptblock[]] $Runs) {
    # One warm-up each, then $Count rounds that run every way once in turn, so drift in machine speed hits all
    # alike; per way: wall times (ms) and the counts each run reported.
    foreach ($r in $Runs) { $null = & $r }
    $results = foreach ($r in $Runs) { [pscustomobject]@{ Walls = [Collections.Generic.List[double]]::new(); Counts = [Collections.Generic.List[object]]::new() } }
    for ($i = 0; $i -lt $Count; $i++) {
        for ($k = 0; $k -lt $Runs.Count; $k++) {
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $c = & $Runs[$k]
            $results[$k].Walls.Add($sw.Elapsed.TotalMilliseconds)
            $results[$k].Counts.Add($c)
        }
    }
    $results
}

function Get-CountMedian($Result, [string] $Event) { Get-Median @($Result.Counts | ForEach-Object { $_[$Event] }) }

$loop = Join-Path ([IO.Path]::GetTempPath()) "perfsecurity-bench-loop-$PID"
try {
    # A CPU-bound loop with no I/O, so the counts depend on the command and not on the disk.
    "int main(void){volatile unsigned long x=0;for(unsigned long i=0;i<${Iterations}UL;i++)x+=i;return (int)(x&1)*0;}" | & gcc -O1 -x c -o $loop -
    if ($LASTEXITCODE) { throw 'gcc failed' }
    foreach ($case in @(@{ Name = 'short: /bin/true'; Path = '/bin/true' }, @{ Name = 'long: CPU loop'; Path = $loop })) {
        $path = $case.Path
        $plain, $ours, $peer = Invoke-Interleaved @(
            { & $path; $null }
            {
                $sw = [Diagnostics.Stopwatch]::StartNew()
                $m = Measure-PerfCommand -FilePath $path -Event $events
                $h = @{ Overhead = $sw.Elapsed.TotalMilliseconds - $m.Elapsed.TotalMilliseconds; Cpu = ($m.UserTime + $m.SystemTime).TotalMilliseconds }
                foreach ($c in $m.Counters) { $h[$c.Event] = if ($c.Event -eq 'task-clock') { $c.Value / 1e6 } else { $c.Value } }; $h
            }
            {
                $sw = [Diagnostics.Stopwatch]::StartNew()
                $out = & perf stat -e ($events -join ',') -- $path 2>&1
                $h = @{ Overhead = $sw.Elapsed.TotalMilliseconds; Cpu = 0.0 }
                foreach ($line in $out) {
                    if ("$line" -match '^\s*([\d.]+) seconds time elapsed') { $h.Overhead -= [double]$Matches[1] * 1000 }
                    elseif ("$line" -match '^\s*([\d.]+) seconds (user|sys)') { $h.Cpu += [double]$Matches[1] * 1000 }
                    elseif ("$line" -match '^\s*([\d,.]+)\s+(?:msec\s+)?([a-z-]+)') { if ($Matches[2] -in $events) { $h[$Matches[2]] = [double]($Matches[1] -replace ',', '') } }
                }
                $h
            })
        # Added time: each tool's wall time minus the command's elapsed time that the tool itself reports for
        # the same run, so the command's own run-to-run spread drops out.
        $addedOurs = Get-Median @($ours.Counts | ForEach-Object { $_.Overhead }); $addedPeer = Get-Median @($peer.Counts | ForEach-Object { $_.Overhead })
        New-BenchRow -Benchmark "Measure-PerfCommand $($case.Name): added wall time" -Ours $addedOurs -Peer $addedPeer `
            -PeerName 'perf stat' -Target '<= peer + 10 ms' -Met ($addedOurs -le $addedPeer + 10) `
            -Notes ("tool wall time minus the command's elapsed time it reports; medians in all: plain run {0:0.0} ms, ours {1:0.0} ms, perf stat {2:0.0} ms" -f (Get-Median $plain.Walls), (Get-Median $ours.Walls), (Get-Median $peer.Walls))
        # Same-run agreement: task-clock against the CPU time (user + sys) the kernel accounted to that very run;
        # for a sub-millisecond command rusage is too coarse to compare.
        if ($path -eq $loop) {
            $devOurs = Get-Median @($ours.Counts | ForEach-Object { 100 * [math]::Abs($_['task-clock'] - $_.Cpu) / [math]::Max($_.Cpu, 1e-3) })
            $devPeer = Get-Median @($peer.Counts | ForEach-Object { 100 * [math]::Abs($_['task-clock'] - $_.Cpu) / [math]::Max($_.Cpu, 1e-3) })
            New-BenchRow -Benchmark "Measure-PerfCommand $($case.Name): task-clock vs the run's user+sys" -Ours $devOurs -Peer $devPeer -PeerName 'perf stat' `
                -Unit '% off' -Target '<= 1%' -Met ($devOurs -le 1) -Notes 'median over runs of |task-clock - (user+sys)| / (user+sys), each tool against its own run'
        }
        foreach ($e in $events) {
            $o = Get-CountMedian $ours $e; $p = Get-CountMedian $peer $e
            New-BenchRow -Benchmark "Measure-PerfCommand $($case.Name): $e" -Ours $o -Peer $p -PeerName 'perf stat' `
                -Unit $(if ($e -eq 'task-clock') { 'ms' } else { 'count' }) -Target 'within 1%' -Met (Test-Within $o $p 1) -Notes "medians of $Count interleaved runs each (different runs of the command)"
        }
    }
}
finally {
    Remove-Item $loop -ErrorAction SilentlyContinue
}
