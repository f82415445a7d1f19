# Helpers shared by the bench scripts.

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    $n = $sorted.Count
    if ($n -eq 0) { return [double]::NaN }
    if ($n % 2) { $sorted[[int][math]::Floor($n / 2)] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 }
}

function Measure-Median {
    # Runs $ScriptBlock $Count times (after one warm-up) and returns the median wall time in milliseconds.
    param([scriptblock] $ScriptBlock, [int] $Count = 5)
    $null = & $ScriptBlock
    Get-Median @(1..$Count | ForEach-Object { (Measure-Command { $null = & $ScriptBlock }).TotalMilliseconds })
}

function New-BenchRow {
    param([string] $Benchmark, [double] $Ours, [double] $Peer = [double]::NaN, [string] $PeerName = '', [string] $Unit = 'ms', [string] $Target = '', [string] $Notes = '')
    [pscustomobject]@{
        Benchmark = $Benchmark
        Ours      = [math]::Round($Ours, 2)
        Peer      = if ([double]::IsNaN($Peer)) { '' } else { [math]::Round($Peer, 2) }
        PeerName  = $PeerName
        Unit      = $Unit
        Ratio     = if ([double]::IsNaN($Peer) -or $Peer -eq 0) { '' } else { [math]::Round($Ours / $Peer, 2) }
        Target    = $Target
        Notes     = $Notes
    }
}
