# Get-PerfDataExposure vs perf report --header-only on a small and a >= 1 GB perf.data: the time must not grow
# with the file, since only the header, feature sections and attributes are read.
param([string] $ModulePath, [long] $LargeBytes = 1GB, [int] $Count = 5)
Import-Module $ModulePath

$dir = Join-Path ([IO.Path]::GetTempPath()) "perfsecurity-bench-data-$PID"
$burners = @()
try {
    $null = New-Item -ItemType Directory $dir
    $small = Join-Path $dir 'small.data'; $large = Join-Path $dir 'large.data'
    & perf record -q -a -F 1000 -g -o $small -- sleep 0.2 2>&1 | Out-Null
    # Busy CPUs make many samples, each with an 8 KB user stack copy; --max-size ends the recording at the size.
    $burners = 1..[Environment]::ProcessorCount | ForEach-Object { Start-Process sh -ArgumentList '-c', '"while :; do :; done"' -PassThru }
    & perf record -q -a -F 20000 --call-graph dwarf --max-size=$([math]::Ceiling($LargeBytes / 1MB) + 8)M -o $large -- sleep 120 2>&1 | Out-Null
    foreach ($b in $burners) { $b.Kill() }
    $burners = @()
    & sync # write back the gigabyte now, not while the timings (here or in the next bench) run
    $times = @{}
    foreach ($f in $small, $large) {
        $size = (Get-Item $f).Length
        if ($f -eq $large -and $size -lt $LargeBytes) { throw "perf record wrote only $size bytes" }
        $o = Measure-Median -Count $Count { Get-PerfDataExposure -LiteralPath $f }
        $p = Measure-Median -Count $Count { & perf report --header-only -i $f 2>&1 }
        $times[$f] = $o
        $label = if ($size -ge 1GB) { '{0:0.00} GB' -f ($size / 1GB) } else { '{0:0.0} MB' -f ($size / 1MB) }
        New-BenchRow -Benchmark "Get-PerfDataExposure, $label perf.data" -Ours $o -Peer $p -PeerName 'perf report --header-only' -Target 'ratio <= 1.0; flat in size' `
            -Met ($o -le $p -and ($f -eq $small -or $o -le [math]::Max(2 * $times[$small], $times[$small] + 5))) `
            -Notes "categories: $((Get-PerfDataExposure -LiteralPath $f).Categories -join ', ')"
    }
}
finally {
    foreach ($b in $burners) { if (-not $b.HasExited) { $b.Kill() } }
    Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue
    & sync
}
