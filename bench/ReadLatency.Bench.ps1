# Counter read latency, side by side in one run (bench/PerfSecurity.Benchmarks/Interleaved.cs): CounterSet.Read of 1,
# 4 and 8 events in one group (one read(2) of the leader) against the same group read done in C (bench/group-read.c,
# built here with gcc), against the events counted alone (one read(2) each), and the events alone against raw read(2)
# of the same descriptors. Each round runs a short batch of every method, so all of them see the same load.
# Then the per-call cost of Read-PerfCounter in pwsh.
param([string] $ModulePath, [int] $CmdletCalls = 2000)

$work = Join-Path ([IO.Path]::GetTempPath()) "perfsecurity-bench-read-$PID"
$project = Join-Path $PSScriptRoot 'PerfSecurity.Benchmarks/PerfSecurity.Benchmarks.csproj'
try {
    $null = New-Item -ItemType Directory -Force $work
    $groupRead = Join-Path $work 'group-read'
    & gcc -O2 -Wall -o $groupRead (Join-Path $PSScriptRoot 'group-read.c')
    if ($LASTEXITCODE) { throw "gcc group-read.c failed ($LASTEXITCODE)" }
    $csv = Join-Path $work 'reads.csv'
    & dotnet run --project $project -c Release --no-launch-profile -- interleaved $groupRead $csv | Out-Host
    if ($LASTEXITCODE) { throw "The interleaved read benchmark failed ($LASTEXITCODE)" }
    $rows = Import-Csv $csv
    function Get-ReadNs([string] $Method, [string] $Events) { [double]($rows | Where-Object { $_.Events -eq $Events -and $_.Method -eq $Method }).MedianNs }
    $rounds = ($rows | Select-Object -First 1).Rounds
    foreach ($events in $rows.Events | Sort-Object { [int]$_ } -Unique) {
        $group = Get-ReadNs LibraryGroupRead $events
        $alone = Get-ReadNs LibraryRead $events
        $c = Get-ReadNs CGroupRead $events
        New-BenchRow -Benchmark "Counter read, $events event(s) in one group: CounterSet.Read" -Ours $group -Peer $c `
            -PeerName 'C group read(2), gcc -O2' -Unit 'ns' -Target 'ratio <= 1.2' -Met ($group -le 1.2 * $c) `
            -Notes ("medians of $rounds interleaved batches of 2,000 reads; raw read(2) of the leader from .NET {0:0} ns; CounterSet.Read() allocating its totals {1:0} ns" -f (Get-ReadNs RawGroupReadSyscall $events), (Get-ReadNs LibraryGroupReadAllocating $events))
        New-BenchRow -Benchmark "Counter read, $events event(s) in one group vs each alone: CounterSet.Read" -Ours $group -Peer $alone `
            -PeerName "CounterSet.Read of $events event(s) alone" -Unit 'ns' -Notes 'one read(2) per group against one per event; same rounds'
        $raw = Get-ReadNs RawReadSyscall $events
        New-BenchRow -Benchmark "Counter read, $events event(s) alone: CounterSet.Read" -Ours $alone -Peer $raw `
            -PeerName "raw read() × $events" -Unit 'ns' -Target 'ratio <= 1.5' -Met ($alone -le 1.5 * $raw) -Notes "medians of $rounds interleaved batches of 2,000 reads"
    }
}
finally {
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}

# The cmdlet: pipeline binding, session lookup, readings and output objects on top of the read.
Import-Module $ModulePath
$target = Start-Process sleep -ArgumentList 600 -PassThru
try {
    foreach ($count in 1, 8) {
        $events = @('task-clock', 'context-switches', 'page-faults', 'cpu-migrations', 'minor-faults', 'major-faults', 'cpu-clock', 'alignment-faults')[0..($count - 1)]
        foreach ($grouped in $false, $true) {
            if ($grouped -and $count -eq 1) { continue }
            $s = Start-PerfCounterSession -Event $events -ProcessId $target.Id -Group:$grouped
            try {
                $id = $s.Id
                $null = Read-PerfCounter -Id $id
                $ms = Measure-Median -Count 5 { for ($i = 0; $i -lt $CmdletCalls; $i++) { $null = Read-PerfCounter -Id $id } }
                New-BenchRow -Benchmark "Read-PerfCounter per call, $count event(s)$(if ($grouped) { ' in one group' })" -Ours ($ms * 1000 / $CmdletCalls) -Unit 'µs' `
                    -Notes "median of 5 loops of $CmdletCalls calls in pwsh"
            }
            finally { $s | Stop-PerfCounterSession | Out-Null }
        }
    }
}
finally {
    $target.Kill(); $target.WaitForExit()
}
