BeforeDiscovery {
    $script:EncodingCases = (Import-PowerShellDataFile "$PSScriptRoot/tools/event-cases.psd1").Cases
}

BeforeAll {
    . "$PSScriptRoot/counting.ps1"
    $script:Tracefs = Mount-TestTracefs
    $script:TracefsRoot = (Get-Content /proc/mounts | Where-Object { ($_ -split ' ')[2] -eq 'tracefs' } | Select-Object -First 1) -split ' ' | Select-Object -Index 1
}
AfterAll { Dismount-TestTracefs $Tracefs }

Describe 'Get-PerfEvent' {
    It 'lists all software events with perf''s names and aliases' {
        $sw = Get-PerfEvent -Type Software
        $sw.Name | Should -Be @('cpu-clock', 'task-clock', 'page-faults', 'context-switches', 'cpu-migrations', 'minor-faults',
            'major-faults', 'alignment-faults', 'emulation-faults', 'dummy', 'bpf-output', 'cgroup-switches')
        $sw.Config | Should -Be (0..11)
        ($sw | Where-Object Name -EQ 'context-switches').Aliases | Should -Be 'cs'
        (Get-PerfEvent faults).Name | Should -Be 'page-faults'
    }

    It 'lists generic hardware and cache events' {
        (Get-PerfEvent -Type Hardware).Name | Should -Contain 'cpu-cycles'
        $c = Get-PerfEvent LLC-load-misses
        $c.Type | Should -Be 'HardwareCache'
        $c.Config | Should -Be 0x10002
    }

    It 'reads dynamic PMU events and their type from sysfs' {
        $tsc = Get-PerfEvent msr/tsc/
        $tsc.Type | Should -Be 'Pmu'
        $tsc.PerfType | Should -Be ([int](Get-Content /sys/bus/event_source/devices/msr/type))
        $tsc.Pmu | Should -Be 'msr'
    }

    It 'says which events this process can open' -Tag Kernel {
        $r = Get-PerfEvent task-clock, cycles, msr/tsc/ -Supported
        ($r | Where-Object Name -EQ 'task-clock').Supported | Should -BeTrue
        ($r | Where-Object Name -EQ 'cpu-cycles').Supported | Should -BeFalse
        ($r | Where-Object Name -EQ 'msr/tsc/').Supported | Should -BeTrue
        (Get-PerfEvent task-clock).Supported | Should -BeNullOrEmpty
    }

    It 'lists every tracepoint of tracefs with its id' -Tag Kernel, Slow {
        $expected = @(Get-ChildItem "$TracefsRoot/events/*/*/id").Count
        @(Get-PerfEvent -Type Tracepoint).Count | Should -Be $expected
        $sw = Get-PerfEvent sched:sched_switch
        $sw.Type | Should -Be 'Tracepoint'
        $sw.Config | Should -Be ([int](Get-Content "$TracefsRoot/events/sched/sched_switch/id"))
        (Get-PerfEvent 'syscalls:sys_enter_getppid' -Supported).Supported | Should -BeTrue
    }

    It 'checks event strings that are not listed' {
        $u = Get-PerfEvent 'page-faults:u'
        $u.Name | Should -Be 'page-faults:u'
        $u.Config | Should -Be 2
        (Get-PerfEvent 'msr/event=0x00/').PerfType | Should -Be ([int](Get-Content /sys/bus/event_source/devices/msr/type))
    }

    It 'reports bad strings and unknown names with stable ids' -TestCases @(
        @{ Text = 'no-such-event'; Id = 'PerfEventNotFound' }
        @{ Text = 'page-faults:z'; Id = 'PerfEventBadModifier' }
        @{ Text = 'cpu/event=0x3c,umask=0x00/'; Id = 'PerfEventNotFound' }
        @{ Text = 'msr/nosuchterm/'; Id = 'PerfEventUnknownTerm' }
        @{ Text = 'sched:no_such_tp'; Id = 'PerfEventNotFound' }
    ) {
        Get-PerfEvent $Text -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
    }

    It 'filters with wildcards and by pipeline' {
        (Get-PerfEvent '*-faults' -Type Software).Name | Should -Be @('page-faults', 'minor-faults', 'major-faults', 'alignment-faults', 'emulation-faults')
        ([pscustomobject]@{ Name = 'task-clock' } | Get-PerfEvent).Config | Should -Be 1
    }

    It 'completes tracepoints after subsystem:' {
        $line = 'Get-PerfEvent sched:sched_swi'
        $c = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $c.CompletionMatches.CompletionText | Should -Contain 'sched:sched_switch'
    }
}

Describe 'Get-PerfEvent encodes event strings as perf does' -Tag Kernel {
    BeforeAll {
        # perf and the module resolve every case in one private mount namespace that adds fake PMUs (and tracefs)
        # to the real ones; perf's encoding is what perf stat -vv prints before it opens the event.
        $script:Rows = [Collections.Generic.Dictionary[string, object]]::new([StringComparer]::Ordinal) # CYCLES is not cycles
        $script:Missing = @('perf', 'unshare') | Where-Object { -not (Get-Command $_ -ErrorAction SilentlyContinue) }
        if (-not $Missing) {
            $out = Join-Path ([IO.Path]::GetTempPath()) "event-encoding-$(Get-Random).json"
            $saved = $env:PERFSECURITY_MODULE
            $env:PERFSECURITY_MODULE = $ModuleDir
            try {
                & unshare --mount --propagation private -- dotnet "$PSHOME/pwsh.dll" -NoProfile -NonInteractive `
                    -File "$PSScriptRoot/tools/event-encoding.ps1" -CasesFile "$PSScriptRoot/tools/event-cases.psd1" -OutFile $out
                foreach ($r in (Get-Content -Raw $out | ConvertFrom-Json)) { $Rows[$r.Event] = $r }
            }
            finally {
                $env:PERFSECURITY_MODULE = $saved
                Remove-Item $out -ErrorAction SilentlyContinue
            }
        }
    }

    It 'matches perf on <Event>' -ForEach $EncodingCases {
        if ($Missing) { Set-ItResult -Skipped -Because "$($Missing -join ', ') not installed"; return }
        $r = $Rows[$Event]
        $r | Should -Not -BeNullOrEmpty
        if ($Documented) {
            # A deliberate difference (docs/events.md): perf accepts, the module refuses with a clear error.
            $r.PerfAccepts | Should -BeTrue
            $r.ModuleAccepts | Should -BeFalse
            $r.ErrorId | Should -BeLike "$Documented,*"
        }
        else {
            $r.Agree | Should -BeTrue -Because "perf accepts: $($r.PerfAccepts), module accepts: $($r.ModuleAccepts); $($r.What)"
        }
    }

    It 'compared at least 40 strings, accepted and rejected' {
        if ($Missing) { Set-ItResult -Skipped -Because "$($Missing -join ', ') not installed"; return }
        $all = @($Rows.Values)
        $all.Count | Should -BeGreaterOrEqual 40
        @($all | Where-Object { $_.PerfAccepts }).Count | Should -BeGreaterThan 20
        @($all | Where-Object { -not $_.PerfAccepts }).Count | Should -BeGreaterThan 20
        Write-Host ("perf encoding agreement: {0} of {1} strings ({2} accepted by perf, {3} rejected)" -f
            @($all | Where-Object Agree).Count, $all.Count, @($all | Where-Object PerfAccepts).Count, @($all | Where-Object { -not $_.PerfAccepts }).Count)
    }

    It 'lists PMU aliases with dots and =? parameters as perf list writes them' {
        if ($Missing) { Set-ItResult -Skipped -Because "$($Missing -join ', ') not installed"; return }
        # Listing happens in the namespace too: the names perf list prints for the fake PMU.
        $script = @'
$d = '/sys/bus/event_source/devices'
& mount -t tmpfs x $d
$null = New-Item -ItemType Directory -Force "$d/fake/format", "$d/fake/events"
[IO.File]::WriteAllText("$d/fake/type", "50`
")
[IO.File]::WriteAllText("$d/fake/format/event", "config:0-7`
")
[IO.File]::WriteAllText("$d/fake/format/umask", "config:8-15`
")
[IO.File]::WriteAllText("$d/fake/events/ev3", "event=0x1,umask=?`
")
[IO.File]::WriteAllText("$d/fake/events/ev.dot", "event=0x7`
")
$perf = @(& perf list --raw-dump pmu 2>$null) -join ' '
Import-Module $env:PERFSECURITY_MODULE
$mine = Get-PerfEvent -Type Pmu
[pscustomobject]@{ Perf = $perf; Names = @($mine.Name); Parameters = @(($mine | Where-Object Name -like 'fake/ev3*').Parameters) } | ConvertTo-Json -Compress
'@
        $saved = $env:PERFSECURITY_MODULE
        $env:PERFSECURITY_MODULE = $ModuleDir
        try { $json = & unshare --mount --propagation private -- dotnet "$PSHOME/pwsh.dll" -NoProfile -NonInteractive -Command $script }
        finally { $env:PERFSECURITY_MODULE = $saved }
        $r = $json | Select-Object -Last 1 | ConvertFrom-Json
        foreach ($name in 'fake/ev3,umask=?/', 'fake/ev.dot/') {
            $r.Perf -split ' ' | Should -Contain $name -Because 'perf list prints it so'
            $r.Names | Should -Contain $name
        }
        $r.Parameters | Should -Be 'umask'
    }
}

Describe 'tracefs on a fresh boot: mounted like perf as root, a clear error otherwise' -Tag Kernel {
    BeforeAll {
        # Each case runs in a private mount namespace where neither tracefs nor debugfs is mounted, as after boot;
        # whatever is mounted or unmounted there is seen by no one else and gone with the namespace.
        $script:FreshWork = New-CountingWorkloads
        function script:Get-TraceMount {
            # "mount-point type" of each tracefs and debugfs mount this process sees.
            @(Get-Content /proc/mounts | ForEach-Object { $f = $_ -split ' '; if ($f[2] -in 'tracefs', 'debugfs') { "$($f[1]) $($f[2])" } })
        }
        $script:HostTraceMounts = Get-TraceMount

        function script:Invoke-FreshBoot {
            <#
            Runs $Command (script text, the module imported) in such a namespace, after $Prepare (script text, run
            there as root first); as $User when given. Returns Output (as strings), Verbose messages, ErrorIds (without the command name) and
            Errors (messages) of the command, and Mounts: the tracefs and debugfs mounts of the namespace afterwards.
            #>
            param([string] $Command, [string] $Prepare = '', [string] $User)
            $dir = Join-Path ([IO.Path]::GetTempPath()) ('psfresh{0}' -f (Get-Random))
            $null = New-Item -ItemType Directory $dir
            try {
                $module = $ModuleDir
                if ($User) {
                    $copy = "$SharedDir/module/PerfSecurity/PerfSecurity.dll"
                    if (-not (Test-Path $copy) -or (Get-Item $copy).LastWriteTimeUtc -ne (Get-Item "$ModuleDir/PerfSecurity.dll").LastWriteTimeUtc) { Initialize-SharedPwsh }
                    $module = "$SharedDir/module/PerfSecurity"
                }
                $inner = @"
`$ErrorActionPreference = 'Continue'
Import-Module '$module'
`$all = [Collections.Generic.List[object]]::new()
try { & { $Command } 4>&1 2>&1 | ForEach-Object { `$all.Add(`$_) } } catch { `$all.Add(`$_) }
[pscustomobject]@{
    Output = @(`$all | Where-Object { `$_ -isnot [Management.Automation.VerboseRecord] -and `$_ -isnot [Management.Automation.ErrorRecord] } | ForEach-Object { "`$_" })
    Verbose = @(`$all | Where-Object { `$_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message)
    ErrorIds = @(`$all | Where-Object { `$_ -is [Management.Automation.ErrorRecord] } | ForEach-Object { (`$_.FullyQualifiedErrorId -split ',')[0] })
    Errors = @(`$all | Where-Object { `$_ -is [Management.Automation.ErrorRecord] } | ForEach-Object { `$_.Exception.Message })
} | ConvertTo-Json -Compress -Depth 3
"@
                $innerEncoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($inner))
                $run = if ($User) {
                    "& setpriv --reuid $User --regid $User --init-groups --reset-env env 'HOME=$SharedDir' 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' dotnet '$SharedDir/pwsh/pwsh.dll' -NoProfile -NonInteractive -EncodedCommand $innerEncoded"
                }
                else { "& ([scriptblock]::Create([Text.Encoding]::Unicode.GetString([Convert]::FromBase64String('$innerEncoded'))))" }
                $wrapper = @"
`$ErrorActionPreference = 'Stop'
function Get-TraceMount { @(Get-Content /proc/mounts | ForEach-Object { `$f = `$_ -split ' '; if (`$f[2] -in 'tracefs', 'debugfs') { "`$(`$f[1]) `$(`$f[2])" } }) }
# As after boot: lazy unmounts, the latest first, until neither is left.
for (`$i = 0; (`$m = @(Get-TraceMount)) -and `$i -lt 20; `$i++) { & umount -l (`$m[-1] -split ' ')[0] }
if (Get-TraceMount) { throw "still mounted: `$(Get-TraceMount)" }
$Prepare
`$json = $run
`$r = @(`$json | Where-Object { "`$_".StartsWith('{') })[-1] | ConvertFrom-Json
`$r | Add-Member Mounts (Get-TraceMount)
`$r | ConvertTo-Json -Compress -Depth 4 | Set-Content '$dir/result.json'
"@
                $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($wrapper))
                $log = & unshare --mount --propagation private -- dotnet "$PSHOME/pwsh.dll" -NoProfile -NonInteractive -EncodedCommand $encoded 2>&1
                if (-not (Test-Path "$dir/result.json")) { throw "The fresh-boot run failed ($LASTEXITCODE): $($log | Out-String)" }
                Get-Content -Raw "$dir/result.json" | ConvertFrom-Json
            }
            finally { Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue }
        }
    }
    AfterAll { Remove-Item -Recurse -Force $FreshWork -ErrorAction SilentlyContinue }

    It 'Get-PerfEvent as root mounts tracefs at /sys/kernel/tracing, says so with -Verbose, and resolves the tracepoint' {
        $r = Invoke-FreshBoot "Get-PerfEvent syscalls:sys_enter_getppid -Verbose | ForEach-Object { `"`$(`$_.Name) `$(`$_.Config)`" }; 'id ' + (Get-Content /sys/kernel/tracing/events/syscalls/sys_enter_getppid/id)"
        $r.ErrorIds | Should -BeNullOrEmpty
        $id = ($r.Output | Where-Object { $_ -like 'id *' }) -replace '^id ', ''
        $id | Should -Match '^\d+$'
        $r.Output | Should -Contain "syscalls:sys_enter_getppid $id"
        @($r.Verbose | Where-Object { $_ -like '*mounted it at /sys/kernel/tracing*' }).Count | Should -Be 1
        $r.Mounts | Should -Be '/sys/kernel/tracing tracefs'
    }

    It 'Measure-PerfCommand as root mounts tracefs and counts the tracepoint exactly' {
        $r = Invoke-FreshBoot "(Measure-PerfCommand '$FreshWork/getppid' 4321 -Event syscalls:sys_enter_getppid -Verbose).Counters[0].Value"
        $r.ErrorIds | Should -BeNullOrEmpty
        $r.Output | Should -Be '4321'
        $r.Verbose | Should -Contain ($r.Verbose | Where-Object { $_ -like 'tracefs was not mounted: mounted it at /sys/kernel/tracing*' })
        $r.Mounts | Should -Be '/sys/kernel/tracing tracefs'
    }

    It 'Start-PerfCounterSession as root mounts tracefs and counts the tracepoint exactly' {
        $r = Invoke-FreshBoot "`$s = Start-PerfCounterSession -Event syscalls:sys_enter_getppid -ProcessId `$PID -Inherit -Verbose; & '$FreshWork/getppid' 777; (Read-PerfCounter -Id `$s.Id).Value; `$null = Stop-PerfCounterSession -Id `$s.Id"
        $r.ErrorIds | Should -BeNullOrEmpty
        $r.Output | Should -Be '777'
        @($r.Verbose | Where-Object { $_ -like '*mounted it at /sys/kernel/tracing*' }).Count | Should -Be 1
        $r.Mounts | Should -Be '/sys/kernel/tracing tracefs'
    }

    It 'falls back to debugfs, as perf does, when /sys/kernel/tracing does not exist' {
        # /sys/kernel replaced (in the namespace) by an empty root-owned tmpfs holding only debug/.
        $prepare = "& mount -t tmpfs -o mode=0755 tmpfs /sys/kernel; `$null = New-Item -ItemType Directory /sys/kernel/debug"
        $r = Invoke-FreshBoot "(Measure-PerfCommand '$FreshWork/getppid' 1234 -Event syscalls:sys_enter_getppid -Verbose).Counters[0].Value" -Prepare $prepare
        $r.ErrorIds | Should -BeNullOrEmpty
        $r.Output | Should -Be '1234'
        ($r.Verbose -join "`n") | Should -Match 'mounted debugfs at /sys/kernel/debug instead'
        $r.Mounts | Should -Contain '/sys/kernel/debug debugfs'
        $r.Mounts | Should -Contain '/sys/kernel/debug/tracing tracefs'
    }

    It 'mounts nothing on a mount point someone else controls: <Case>' -Tag Security -TestCases @(
        @{ Case = 'a directory owned by a user'; Prepare = "& mount -t tmpfs -o mode=0755 tmpfs /sys/kernel; `$null = New-Item -ItemType Directory /sys/kernel/tracing; & chown 54321 /sys/kernel/tracing"; Why = 'belongs to uid 54321' }
        @{ Case = 'a directory in a folder every user may write'; Prepare = "& mount -t tmpfs -o mode=0777 tmpfs /sys/kernel; `$null = New-Item -ItemType Directory /sys/kernel/tracing"; Why = 'writable by every user' }
        @{ Case = 'a symbolic link to another directory'; Prepare = "& mount -t tmpfs -o mode=0755 tmpfs /sys/kernel; `$null = New-Item -ItemType Directory /sys/kernel/elsewhere; `$null = New-Item -ItemType SymbolicLink -Path /sys/kernel/tracing -Target /sys/kernel/elsewhere"; Why = 'is a symbolic link' }
    ) {
        $r = Invoke-FreshBoot "Get-PerfEvent syscalls:sys_enter_getppid -Verbose; Measure-PerfCommand '$FreshWork/getppid' 3 -Event syscalls:sys_enter_getppid" -Prepare $Prepare
        $r.Output | Should -BeNullOrEmpty
        $r.ErrorIds | Should -Be @('PerfEventTracefsUntrustedPath', 'PerfEventTracefsUntrustedPath') -Because 'each of the two commands says why, once'
        $r.Errors[0] | Should -Match ([regex]::Escape($Why))
        $r.Mounts | Should -BeNullOrEmpty -Because 'nothing was mounted, anywhere'
    }

    It 'as an unprivileged user gives the clear error of today and mounts nothing' -Tag Security, Unprivileged {
        $user = New-TestUser 'pstrace'
        try {
            $r = Invoke-FreshBoot "Get-PerfEvent syscalls:sys_enter_getppid -Verbose; Measure-PerfCommand '$FreshWork/getppid' 3 -Event syscalls:sys_enter_getppid -Verbose" -User $user
            $r.Output | Should -BeNullOrEmpty
            $r.ErrorIds | Should -Be @('PerfEventTracefsNotMounted', 'PerfEventTracefsNotMounted')
            $r.Errors[0] | Should -Match 'tracefs is not mounted'
            ($r.Verbose -join "`n") | Should -Match 'cannot mount it: mount\(2\) needs CAP_SYS_ADMIN'
            $r.Mounts | Should -BeNullOrEmpty
        }
        finally { Remove-TestUser $user }
    }

    It 'leaves the mounts of the host as they were' {
        Get-TraceMount | Should -Be $HostTraceMounts
    }
}
