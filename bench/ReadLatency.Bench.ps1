# Counter read latency: the library path (CounterSet.Read) vs raw read(2) of the same descriptors, for 1, 4 and
# 8 events (BenchmarkDotNet, bench/PerfSecurity.Benchmarks), and the per-call cost of Read-PerfCounter in pwsh.
param([string] $ModulePath, [int] $CmdletCalls = 2000)

$artifacts = Join-Path ([IO.Path]::GetTempPath()) "perfsecurity-bench-bdn-$PID"
$project = Join-Path $PSScriptRoot 'PerfSecurity.Benchmarks/PerfSecurity.Benchmarks.csproj'
try {
    & dotnet run --project $project -c Release --no-launch-profile -- $artifacts | Out-Host
    if ($LASTEXITCODE) { throw "The BenchmarkDotNet run failed ($LASTEXITCODE)" }
    $report = Get-ChildItem "$artifacts/results" -Filter '*-report.csv' | Select-Object -First 1
    # BenchmarkDotNet writes times with a unit ("3,002.8 ns", "1.2 μs"); convert to ns.
    function ConvertTo-Ns([string] $t) {
        $n, $u = $t.Trim() -split ' '
        [double]($n -replace ',', '') * $(switch ($u) { 'ns' { 1 } { $_ -in 'us', 'μs' } { 1000 } 'ms' { 1e6 } default { 1 } })
    }
    $rows = Import-Csv $report.FullName
    foreach ($events in $rows.Events | Sort-Object { [int]$_ } -Unique) {
        $lib = $rows | Where-Object { $_.Events -eq $events -and $_.Method -eq 'LibraryRead' }
        $raw = $rows | Where-Object { $_.Events -eq $events -and $_.Method -eq 'RawReadSyscall' }
        New-BenchRow -Benchmark "Counter read, $events event(s): CounterSet.Read" -Ours (ConvertTo-Ns $lib.Median) -Peer (ConvertTo-Ns $raw.Median) `
            -PeerName "raw read() × $events" -Unit 'ns' -Target 'ratio <= 1.5' -Met ((ConvertTo-Ns $lib.Median) -le 1.5 * (ConvertTo-Ns $raw.Median)) -Notes 'BenchmarkDotNet short job, in-process, median'
    }
}
finally {
    Remove-Item -Recurse -Force $artifacts -ErrorAction SilentlyContinue
}

# The cmdlet: pipeline binding, session lookup, readings and output objects on top of the read.
Import-Module $ModulePath
$target = Start-Process sleep -ArgumentList 600 -PassThru
try {
    foreach ($count in 1, 8) {
        $events = @('task-clock', 'context-switches', 'page-faults', 'cpu-migrations', 'minor-faults', 'major-faults', 'cpu-clock', 'alignment-faults')[0..($count - 1)]
        $s = Start-PerfCounterSession -Event $events -ProcessId $target.Id
        try {
            $id = $s.Id
            $null = Read-PerfCounter -Id $id
            $ms = Measure-Median -Count 5 { for ($i = 0; $i -lt $CmdletCalls; $i++) { $null = Read-PerfCounter -Id $id } }
            New-BenchRow -Benchmark "Read-PerfCounter per call, $count event(s)" -Ours ($ms * 1000 / $CmdletCalls) -Unit 'µs' `
                -Notes "median of 5 loops of $CmdletCalls calls in pwsh"
        }
        finally { $s | Stop-PerfCounterSession | Out-Null }
    }
}
finally {
    $target.Kill(); $target.WaitForExit()
}
