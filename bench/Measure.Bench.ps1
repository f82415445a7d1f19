# Measure-PerfCommand vs perf stat on a short (/bin/true) and a ~0.5 s CPU-bound command: wall time added over
# running the command plainly, and agreement of task-clock, page-faults and context-switches (medians).
param([string] $ModulePath, [int] $Count = 7, [long] $Iterations = 650000000)
Import-Module $ModulePath
$events = 'task-clock', 'page-faults', 'context-switches'

function Invoke-Timed([scriptblock] $Run) {
    # One warm-up, then $Count runs: wall times (ms) and the counts each run reported.
    $null = & $Run
    $walls = @(); $counts = @()
    for ($i = 0; $i -lt $Count; $i++) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $c = & $Run
        $walls += $sw.Elapsed.TotalMilliseconds
        $counts += , $c
    }
    [pscustomobject]@{ Wall = (Get-Median $walls); Counts = $counts }
}

function Get-CountMedian($Result, [string] $Event) { Get-Median @($Result.Counts | ForEach-Object { $_[$Event] }) }

$loop = Join-Path ([IO.Path]::GetTempPath()) "perfsecurity-bench-loop-$PID"
try {
    # A CPU-bound loop with no I/O, so the counts depend on the command and not on the disk.
    "int main(void){volatile unsigned long x=0;for(unsigned long i=0;i<${Iterations}UL;i++)x+=i;return (int)(x&1)*0;}" | & gcc -O1 -x c -o $loop -
    if ($LASTEXITCODE) { throw 'gcc failed' }
    foreach ($case in @(@{ Name = 'short: /bin/true'; Path = '/bin/true' }, @{ Name = 'long: CPU loop'; Path = $loop })) {
        $path = $case.Path
        $plain = Invoke-Timed { & $path; $null }
        $ours = Invoke-Timed {
            $m = Measure-PerfCommand -FilePath $path -Event $events
            $h = @{}; foreach ($c in $m.Counters) { $h[$c.Event] = if ($c.Event -eq 'task-clock') { $c.Value / 1e6 } else { $c.Value } }; $h
        }
        $peer = Invoke-Timed {
            $h = @{}
            foreach ($line in (& perf stat -x ',' -e ($events -join ',') -- $path 2>&1)) {
                $f = "$line" -split ','
                if ($f.Count -gt 2 -and $f[2] -in $events) { $h[$f[2]] = [double]$f[0] }
            }
            $h
        }
        New-BenchRow -Benchmark "Measure-PerfCommand $($case.Name): added wall time" -Ours ($ours.Wall - $plain.Wall) -Peer ($peer.Wall - $plain.Wall) `
            -PeerName 'perf stat' -Target '<= peer + 10 ms' -Met (($ours.Wall - $plain.Wall) -le ($peer.Wall - $plain.Wall) + 10) -Notes ("plain run {0:0.0} ms; ours {1:0.0} ms, perf stat {2:0.0} ms in all" -f $plain.Wall, $ours.Wall, $peer.Wall)
        foreach ($e in $events) {
            $o = Get-CountMedian $ours $e; $p = Get-CountMedian $peer $e
            New-BenchRow -Benchmark "Measure-PerfCommand $($case.Name): $e" -Ours $o -Peer $p -PeerName 'perf stat' `
                -Unit $(if ($e -eq 'task-clock') { 'ms' } else { 'count' }) -Target 'within 1%' -Met (Test-Within $o $p 1) -Notes "median of $Count runs each"
        }
    }
}
finally {
    Remove-Item $loop -ErrorAction SilentlyContinue
}
