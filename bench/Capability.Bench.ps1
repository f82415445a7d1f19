# Recursive capability scan: Get-PerfCapability -Recurse vs getcap -r, both timed in this warm pwsh session,
# on /usr and on a generated tree (100 folders × 1,000 files, 1,000 of them with capabilities).
param([string] $ModulePath, [int] $FileCount = 100000, [int] $CapCount = 1000, [int] $Count = 5)
Import-Module $ModulePath
$ProgressPreference = 'SilentlyContinue'

function Compare-Scan([string] $Root) {
    $ours = @(Get-PerfCapability -Path $Root -Recurse -WarningAction SilentlyContinue | ForEach-Object { "$($_.Path) $($_.Text)" } | Sort-Object)
    $peer = @(& getcap -r $Root 2>$null | Sort-Object)
    $diff = @(Compare-Object $ours $peer)
    if ($diff) { throw "Get-PerfCapability and getcap -r disagree on ${Root}: $($diff | Out-String)" }
    $ours.Count
}

function Measure-Scan([string] $Root, [string] $Label) {
    $found = Compare-Scan $Root
    $o = Measure-Median -Count $Count { Get-PerfCapability -Path $Root -Recurse -WarningAction SilentlyContinue }
    $p = Measure-Median -Count $Count { & getcap -r $Root 2>$null }
    $files = [int](& find $Root -xdev -type f 2>$null | Measure-Object).Count
    New-BenchRow -Benchmark "Get-PerfCapability -Recurse $Label" -Ours $o -Peer $p -PeerName 'getcap -r' -Target 'ratio <= 1.0' -Met ($o -le $p) `
        -Notes "$files regular files; same $found files with capabilities found by both"
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
