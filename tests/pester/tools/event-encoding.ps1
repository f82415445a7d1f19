# Runs inside a private mount namespace (unshare --mount --propagation private), as root: lays a tmpfs over
# /sys/bus/event_source/devices holding copies of the real PMUs plus fake ones, mounts tracefs, then resolves each
# event string with perf (perf stat -vv) and with Get-PerfEvent and writes the comparison as JSON.
param([string] $CasesFile, [string] $OutFile)
$ErrorActionPreference = 'Stop'
$devices = '/sys/bus/event_source/devices'

# The real PMUs, read before the tmpfs hides them.
$real = foreach ($dir in Get-ChildItem $devices) {
    $files = @{}
    foreach ($sub in 'format', 'events') {
        if (Test-Path "$dir/$sub") {
            foreach ($f in Get-ChildItem -File "$dir/$sub" -ErrorAction SilentlyContinue) { $files["$sub/$($f.Name)"] = [IO.File]::ReadAllText($f.FullName) }
        }
    }
    $files['type'] = [IO.File]::ReadAllText("$dir/type")
    @{ Name = $dir.Name; Files = $files }
}

& mount -t tmpfs perfsecurity-fake-pmus $devices
if ($LASTEXITCODE -ne 0) { throw 'mount tmpfs failed' }
function Write-Pmu([string] $Name, [hashtable] $Files) {
    foreach ($rel in $Files.Keys) {
        $path = "$devices/$Name/$rel"
        $null = New-Item -ItemType Directory -Force (Split-Path $path)
        [IO.File]::WriteAllText($path, $Files[$rel] + $(if ($Files[$rel].EndsWith("`n")) { '' } else { "`n" }))
    }
}
foreach ($pmu in $real) { Write-Pmu $pmu.Name $pmu.Files }
Write-Pmu 'fake' @{
    'type' = '50'
    'format/event' = 'config:0-7'; 'format/umask' = 'config:8-15'; 'format/edge' = 'config:18'; 'format/cmask' = 'config:24-31'
    'format/split' = 'config:32-35,40-43'; 'format/ldlat' = 'config1:0-15'; 'format/wide' = 'config2:0-63'
    'events/ev1' = 'event=0x1'; 'events/ev2' = 'event=0x2,umask=0x3'; 'events/ev3' = 'event=0x1,umask=?'
    'events/ev.dot' = 'event=0x7'; 'events/Mixed' = 'event=0x9,edge'; 'events/ev-dash' = 'event=0x6'
    'events/cfg' = 'config=0x100,umask=1'; 'events/ldl' = 'event=0xcd,ldlat=3'; 'events/bad' = 'event=zz'
    'events/wideval' = 'event=0x1ff'; 'events/energy' = 'event=0x5'; 'events/energy.scale' = '2.5e-10'; 'events/energy.unit' = 'Joules'
}
Write-Pmu 'fakeu_0' @{ 'type' = '52'; 'format/event' = 'config:0-7' }
Write-Pmu 'fakeu_1' @{ 'type' = '53'; 'format/event' = 'config:0-7' }
Write-Pmu 'uncore_imc' @{ 'type' = '54'; 'format/event' = 'config:0-7' }
Write-Pmu 'solo_3' @{ 'type' = '55'; 'format/event' = 'config:0-7' }

if (-not (Get-Content /proc/mounts | Where-Object { ($_ -split ' ')[2] -eq 'tracefs' })) {
    & mount -t tracefs nodev /sys/kernel/tracing
    if ($LASTEXITCODE -ne 0) { throw 'mount tracefs failed' }
}

. "$PSScriptRoot/../counting.ps1"
$rows = foreach ($case in (Import-PowerShellDataFile $CasesFile).Cases) { Compare-EventEncoding $case.Event }
ConvertTo-Json -InputObject @($rows) -Depth 4 | Set-Content $OutFile
