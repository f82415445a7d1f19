# Helpers for the counting suites: small C workloads, tracefs, and perf fds of this process.
. "$PSScriptRoot/common.ps1"

function New-CountingWorkloads {
    # Compiles the workloads into a fresh folder and returns its path.
    $dir = Join-Path ([IO.Path]::GetTempPath()) ('pscount-' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory $dir
    Set-Content "$dir/touch.c" @'
#include <stdlib.h>
#include <unistd.h>
/* Writes one byte to each of N fresh pages: N minor faults. */
int main(int argc, char **argv) {
    long n = atol(argv[1]), page = sysconf(_SC_PAGESIZE);
    volatile char *p = malloc(n * page + page);
    for (long i = 0; i < n; i++) p[i * page] = 1;
    return 0;
}
'@
    Set-Content "$dir/getppid.c" @'
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>
/* Calls getppid N times, through syscall(2) so that no library cache can skip one. */
int main(int argc, char **argv) {
    long n = atol(argv[1]);
    for (long i = 0; i < n; i++) syscall(SYS_getppid);
    return 0;
}
'@
    Set-Content "$dir/spin.c" @'
#include <stdlib.h>
/* Burns CPU in user space for N million iterations. */
int main(int argc, char **argv) {
    volatile unsigned long x = 0;
    long n = atol(argv[1]) * 1000000L;
    for (long i = 0; i < n; i++) x += i;
    return 0;
}
'@
    Set-Content "$dir/gospin.c" @'
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
/* Waits (sleeping) until the file argv[2] exists, then burns CPU for argv[1] million iterations:
   counters attached while it waits all see the same burn. */
int main(int argc, char **argv) {
    struct timespec ms = { 0, 1000000 };
    while (access(argv[2], F_OK) != 0) nanosleep(&ms, NULL);
    volatile unsigned long x = 0;
    long n = atol(argv[1]) * 1000000L;
    for (long i = 0; i < n; i++) x += i;
    return 0;
}
'@
    Set-Content "$dir/cpuburn.c" @'
#include <stdlib.h>
#include <time.h>
/* Burns CPU in user space until this process has used argv[1] ms of CPU time, whatever the speed of the CPU. */
int main(int argc, char **argv) {
    long long want = atoll(argv[1]) * 1000000LL;
    struct timespec t;
    volatile unsigned long x = 0;
    do {
        for (int i = 0; i < 100000; i++) x += i;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    } while (t.tv_sec * 1000000000LL + t.tv_nsec < want);
    return 0;
}
'@
    Set-Content "$dir/gogetppid.c" @'
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
/* Waits (sleeping) until the file argv[2] exists, then calls getppid argv[1] times: counters attached meanwhile,
   by any tool, all see exactly that many calls. */
int main(int argc, char **argv) {
    struct timespec ms = { 0, 1000000 };
    while (access(argv[2], F_OK) != 0) nanosleep(&ms, NULL);
    long n = atol(argv[1]);
    for (long i = 0; i < n; i++) syscall(SYS_getppid);
    return 0;
}
'@
    Set-Content "$dir/paced.c" @'
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
/* Calls getppid argv[1] times in batches of argv[2], sleeping argv[3] ms after each batch: a steady rate over time. */
int main(int argc, char **argv) {
    long n = atol(argv[1]), batch = atol(argv[2]);
    struct timespec pause = { 0, atol(argv[3]) * 1000000L };
    for (long i = 0; i < n; i++) {
        syscall(SYS_getppid);
        if ((i + 1) % batch == 0) nanosleep(&pause, NULL);
    }
    return 0;
}
'@
    foreach ($name in 'touch', 'getppid', 'spin', 'gospin', 'cpuburn', 'gogetppid', 'paced') {
        & cc -O1 -o "$dir/$name" "$dir/$name.c"
        if ($LASTEXITCODE -ne 0) { throw "cc $name.c failed" }
    }
    & chmod -R a+rX $dir
    $dir
}

function Get-KernelHz {
    <#
    The kernel's tick rate (CONFIG_HZ): from /boot/config-<release> or /proc/config.gz, else measured as the jiffies
    that pass in a second of /proc/timer_list's clock.
    #>
    $release = (Get-Content /proc/sys/kernel/osrelease).Trim()
    $config = if (Test-Path "/boot/config-$release") { Get-Content "/boot/config-$release" }
    elseif (Test-Path /proc/config.gz) {
        $gz = [IO.Compression.GZipStream]::new([IO.File]::OpenRead('/proc/config.gz'), [IO.Compression.CompressionMode]::Decompress)
        try { [IO.StreamReader]::new($gz).ReadToEnd() -split "`n" } finally { $gz.Dispose() }
    }
    $line = $config | Where-Object { $_ -match '^CONFIG_HZ=(\d+)$' } | Select-Object -First 1
    if ($line) { return [int]($line -replace '^CONFIG_HZ=', '') }
    function Read-Jiffies {
        $t = Get-Content /proc/timer_list
        [pscustomobject]@{
            Ns = [double](($t | Where-Object { $_ -match '^now at (\d+) nsecs' } | Select-Object -First 1) -replace '\D', '')
            Jiffies = [double](($t | Where-Object { $_ -match '^jiffies: (\d+)' } | Select-Object -First 1) -replace '\D', '')
        }
    }
    $a = Read-Jiffies; Start-Sleep -Seconds 1; $b = Read-Jiffies
    $measured = ($b.Jiffies - $a.Jiffies) / (($b.Ns - $a.Ns) / 1e9)
    # The nearest of the rates Kconfig offers.
    100, 250, 300, 1000 | Sort-Object { [math]::Abs($_ - $measured) } | Select-Object -First 1
}

function Mount-TestTracefs {
    # Mounts tracefs when nothing provides it; returns the mount point to unmount afterwards, or $null.
    if (Get-Content /proc/mounts | Where-Object { ($_ -split ' ')[2] -eq 'tracefs' }) { return $null }
    & mount -t tracefs nodev /sys/kernel/tracing
    if ($LASTEXITCODE -ne 0) { throw 'mount tracefs failed' }
    '/sys/kernel/tracing'
}

function Dismount-TestTracefs([string] $MountPoint) {
    if ($MountPoint) { & umount $MountPoint }
}

function Get-PerfFdCount([int] $ProcessId = $PID) {
    # perf_event descriptors of a process: links to anon_inode:[perf_event].
    @(Get-ChildItem "/proc/$ProcessId/fd" -ErrorAction SilentlyContinue | Where-Object { $_.LinkTarget -eq 'anon_inode:[perf_event]' }).Count
}

function Invoke-PerfStat {
    # perf stat -x, for one command; returns event -> value (msec for clocks).
    param([string[]] $Event, [string[]] $Command, [int] $Repeat = 1)
    $out = Join-Path ([IO.Path]::GetTempPath()) ('perfstat-' + [guid]::NewGuid().ToString('N') + '.csv')
    try {
        & perf stat '-x,' -o $out -r $Repeat -e ($Event -join ',') -- @Command | Out-Null
        $csv = Get-Content $out
    }
    finally { Remove-Item $out -ErrorAction SilentlyContinue }
    $values = @{}
    foreach ($line in $csv) {
        $f = "$line" -split ','
        if ($f.Count -ge 3 -and $f[0] -match '^[0-9.]+$') { $values[$f[2]] = [double]$f[0] }
    }
    $values
}

function Get-PerfStatAttr {
    <#
    The perf_event_attr perf itself builds for one event string: perf stat -vv prints each attr before it opens it;
    the first one printed is perf's encoding (later ones are its fallbacks). Returns the fields Get-PerfEvent reports,
    or $null when perf rejects the string (then .Output holds perf's message).
    #>
    param([string] $Event)
    $out = & perf stat -vv -e $Event -- true 2>&1 | ForEach-Object { "$_" }
    $block = @()
    $inside = $false
    foreach ($line in $out) {
        if ($line -eq 'perf_event_attr:') { $inside = $true; continue }
        if ($inside -and $line -match '^-{10,}') { break }
        if ($inside) { $block += $line }
    }
    if (-not $block) { return [pscustomobject]@{ Accepted = $false; Output = ($out -join "`n") } }
    $f = @{}
    foreach ($line in $block) {
        if ($line -match '^\s+(.+?)\s{2,}(\S+)$') { $f[$Matches[1]] = $Matches[2] }
    }
    function Num($key) { if (-not $f.ContainsKey($key)) { return [uint64]0 }; $v = $f[$key]; if ($v -like '0x*') { [Convert]::ToUInt64($v.Substring(2), 16) } else { [uint64]$v } }
    $exclude = 0
    foreach ($pair in @(@('exclude_user', 1), @('exclude_kernel', 2), @('exclude_hv', 4), @('exclude_idle', 8), @('exclude_host', 16), @('exclude_guest', 32))) {
        if ((Num $pair[0]) -ne 0) { $exclude += $pair[1] }
    }
    [pscustomobject]@{
        Accepted = $true
        PerfType = [uint32](Num 'type')
        Config = Num 'config'
        Config1 = Num '{ bp_addr, config1 }'
        Config2 = Num '{ bp_len, config2 }'
        Exclude = $exclude
        PreciseIp = [int](Num 'precise_ip')
        Pinned = (Num 'pinned') -ne 0
        Exclusive = (Num 'exclusive') -ne 0
        BreakpointAccess = [int](Num 'bp_type')
        Output = ($out -join "`n")
    }
}

function Compare-EventEncoding {
    <#
    Resolves $Event with Get-PerfEvent and with perf (Get-PerfStatAttr); returns Agree, and What differs.
    #>
    param([string] $Event)
    $perf = Get-PerfStatAttr $Event
    $err = $null
    # Escaped: a literal event string, not a pattern over the list.
    $mine = Get-PerfEvent -Name ([WildcardPattern]::Escape($Event)) -ErrorAction SilentlyContinue -ErrorVariable err | Select-Object -First 1
    $row = [ordered]@{ Event = $Event; PerfAccepts = $perf.Accepted; ModuleAccepts = [bool]$mine; Agree = $false; What = ''; ErrorId = "$($err | Select-Object -First 1 | ForEach-Object FullyQualifiedErrorId)" }
    if ($perf.Accepted -ne [bool]$mine) {
        $row.What = if ($perf.Accepted) { "perf accepts, module: $($err | Select-Object -First 1)" } else { "perf rejects: $(($perf.Output -split "`n" | Select-Object -First 2) -join ' ')" }
    }
    elseif (-not $perf.Accepted) { $row.Agree = $true }
    else {
        $diff = foreach ($p in 'PerfType', 'Config', 'Config1', 'Config2', 'Exclude', 'PreciseIp', 'Pinned', 'Exclusive', 'BreakpointAccess') {
            $m = $mine.$p
            if ($m -is [enum]) { $m = [int]$m }
            if ("$m" -ne "$($perf.$p)") { "$p perf=$($perf.$p) module=$m" }
        }
        $row.Agree = -not $diff
        $row.What = $diff -join '; '
    }
    [pscustomobject]$row
}

function Get-PerfStatOpens {
    <#
    What perf stat -vv opens for an event list: for each counter in order, its perf_event_attr fields and the
    group_fd it was opened with (-1 for a leader or an event alone, else the leader's descriptor), and the
    descriptor it got. Only the first attr printed for each open counts (later ones are perf's fallbacks).
    #>
    param([string] $Event)
    $out = & perf stat -vv -e $Event -- true 2>&1 | ForEach-Object { "$_" }
    $opens = [System.Collections.Generic.List[object]]::new()
    $fields = $null
    foreach ($line in $out) {
        if ($line -eq 'perf_event_attr:') { $fields = @{}; continue }
        if ($null -ne $fields -and $line -match '^\s+(.+?)\s{2,}(\S+)$') { $fields[$Matches[1]] = $Matches[2]; continue }
        if ($null -ne $fields -and $line -match '^sys_perf_event_open: pid -?\d+\s+cpu -?\d+\s+group_fd (-?\d+)\s+flags \S+ = (-?\d+)') {
            $groupFd, $fd = [int]$Matches[1], [int]$Matches[2]
            function Num($key) { if (-not $fields.ContainsKey($key)) { return [uint64]0 }; $v = $fields[$key]; if ($v -like '0x*') { [Convert]::ToUInt64($v.Substring(2), 16) } else { [uint64]$v } }
            $exclude = 0
            foreach ($pair in @(@('exclude_user', 1), @('exclude_kernel', 2), @('exclude_hv', 4), @('exclude_idle', 8), @('exclude_host', 16), @('exclude_guest', 32))) {
                if ((Num $pair[0]) -ne 0) { $exclude += $pair[1] }
            }
            $opens.Add([pscustomobject]@{
                PerfType = [uint32](Num 'type'); Config = Num 'config'; Exclude = $exclude
                Pinned = (Num 'pinned') -ne 0; Exclusive = (Num 'exclusive') -ne 0
                Grouped = "$($fields['read_format'])" -match 'GROUP'
                GroupFd = $groupFd; Fd = $fd
            })
            $fields = $null
        }
    }
    $opens
}

function New-TestCgroup {
    # A fresh cgroup in the hierarchy that has the perf_event controller (v2 here, at /sys/fs/cgroup/unified); returns its path.
    $root = Get-Content /proc/self/mountinfo | ForEach-Object { $f = $_ -split ' '; $dash = [array]::IndexOf($f, '-'); if ($f[$dash + 1] -eq 'cgroup2') { $f[4] } } | Select-Object -First 1
    if (-not $root) { throw 'no cgroup v2 hierarchy is mounted' }
    $path = Join-Path $root ('pstest-' + [guid]::NewGuid().ToString('N').Substring(0, 12))
    $null = [IO.Directory]::CreateDirectory($path)
    $path
}

function Add-TestCgroupProcess([string] $Cgroup, [int] $ProcessId) {
    [IO.File]::WriteAllText("$Cgroup/cgroup.procs", "$ProcessId")
}

function Remove-TestCgroup([string] $Cgroup) {
    # A cgroup directory is removed with rmdir once its processes are gone (they may take a moment to be reaped).
    if (-not $Cgroup -or -not (Test-Path $Cgroup)) { return }
    foreach ($p in @(Get-Content "$Cgroup/cgroup.procs" -ErrorAction SilentlyContinue)) { Stop-Process -Id $p -Force -ErrorAction SilentlyContinue }
    for ($i = 0; $i -lt 50; $i++) {
        try { [IO.Directory]::Delete($Cgroup); return } catch { Start-Sleep -Milliseconds 100 }
    }
    Write-Warning "Test cgroup $Cgroup could not be removed"
}

