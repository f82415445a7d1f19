<#
.SYNOPSIS
    Runs every bench/*.Bench.ps1 against the built module and writes the results, with the machine
    described, to a markdown file. Each bench script returns rows: Benchmark, Ours, Peer, PeerName, Unit,
    Ratio (ours / peer; lower is better), Target and Notes.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutFile,
    [string[]] $Only = @()
)
$ErrorActionPreference = 'Stop'
. "$PSScriptRoot/common.ps1"

$rows = [System.Collections.Generic.List[object]]::new()
foreach ($bench in Get-ChildItem $PSScriptRoot -Filter '*.Bench.ps1' | Sort-Object Name) {
    if ($Only -and $bench.BaseName.Replace('.Bench', '') -notin $Only) { continue }
    Write-Host "== $($bench.Name)"
    foreach ($row in & $bench.FullName -ModulePath $ModulePath) {
        $rows.Add($row)
        Write-Host ("{0,-60} ours {1,12} {2}  {3} {4,12}  ratio {5}" -f $row.Benchmark, $row.Ours, $row.Unit, $row.PeerName, $row.Peer, $row.Ratio)
    }
}

$cpu = (Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -replace '^model name\s*:\s*', ''
$memGiB = [math]::Round(([double]((Get-Content /proc/meminfo | Select-Object -First 1) -replace '\D', '')) / 1MB, 1)
$md = [System.Text.StringBuilder]::new()
$null = $md.AppendLine('# Benchmarks').AppendLine()
$null = $md.AppendLine('Made by `build.ps1 -Task Bench` (never part of the test run). Medians of repeated runs; ratio = ours / peer, lower is better.').AppendLine()
$null = $md.AppendLine('## Machine').AppendLine()
$null = $md.AppendLine("- Date: $((Get-Date).ToUniversalTime().ToString('yyyy-MM-dd HH:mm')) UTC")
$null = $md.AppendLine("- CPU: $cpu, $([Environment]::ProcessorCount) cores; memory $memGiB GiB")
$null = $md.AppendLine("- Kernel: $((Get-Content /proc/sys/kernel/osrelease).Trim()); no hardware PMU (software events only)")
$null = $md.AppendLine("- .NET $([Environment]::Version), PowerShell $($PSVersionTable.PSVersion)").AppendLine()
$null = $md.AppendLine('## Results').AppendLine()
$null = $md.AppendLine('| Benchmark | Ours | Peer | Unit | Ratio | Target | Met | Notes |').AppendLine('|---|---:|---:|---|---:|---|---|---|')
foreach ($r in $rows) {
    $cells = $r.Benchmark, $r.Ours, $(if ($r.PeerName) { "$($r.Peer) ($($r.PeerName))" } else { '' }), $r.Unit, $r.Ratio, $r.Target, $r.Met, $r.Notes
    $null = $md.AppendLine('| ' + (($cells | ForEach-Object { "$_".Replace('|', '\|') }) -join ' | ') + ' |')
}
# What profiling found and what was changed: kept by hand beside the scripts, placed below the table.
$findings = Join-Path $PSScriptRoot 'Findings.md'
if (Test-Path $findings) { $null = $md.AppendLine().AppendLine((Get-Content -Raw $findings).TrimEnd()) }
Set-Content -Path $OutFile -Value $md.ToString()
Write-Host "Wrote $OutFile"
