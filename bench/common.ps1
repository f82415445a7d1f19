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
    param([string] $Benchmark, [double] $Ours, [double] $Peer = [double]::NaN, [string] $PeerName = '', [string] $Unit = 'ms', [string] $Target = '', [string] $Notes = '', [object] $Met = $null)
    [pscustomobject]@{
        Benchmark = $Benchmark
        Ours      = [math]::Round($Ours, 2)
        Peer      = if ([double]::IsNaN($Peer)) { '' } else { [math]::Round($Peer, 2) }
        PeerName  = $PeerName
        Unit      = $Unit
        Ratio     = if ([double]::IsNaN($Peer) -or $Peer -eq 0) { '' } else { [math]::Round($Ours / $Peer, 2) }
        Target    = $Target
        Met       = if ($null -eq $Met) { '' } elseif ($Met) { 'yes' } else { 'no' }
        Notes     = $Notes
    }
}

function Test-Within([double] $Ours, [double] $Peer, [double] $Percent) {
    # True when ours is within $Percent of peer (both zero counts agree).
    if ($Peer -eq 0) { return $Ours -eq 0 }
    [math]::Abs($Ours - $Peer) / [math]::Abs($Peer) * 100 -le $Percent
}
