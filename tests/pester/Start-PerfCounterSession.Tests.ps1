BeforeDiscovery {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/examples.ps1"
    $script:CountingHelpExamples = @(Get-HelpExample Start-PerfCounterSession | Where-Object Title -Match 'group|cgroup')
}

BeforeAll {
    . "$PSScriptRoot/counting.ps1"
    $script:User = New-TestUser -Prefix 'psctr'
    Initialize-SharedPwsh # the other user must run this build, not an earlier copy
    function Start-Sleeper {
        # A child shell that sleeps in a loop: it context-switches at every sleep.
        Start-Process /bin/sh -ArgumentList '-c', '"while :; do sleep 0.02; done"' -PassThru
    }
}
AfterAll {
    Get-PerfCounterSession | Stop-PerfCounterSession -Confirm:$false | Out-Null
    Remove-TestUser $User
}

Describe 'Start-PerfCounterSession' -Tag Kernel {
    AfterEach { Get-PerfCounterSession | Stop-PerfCounterSession -Confirm:$false | Out-Null }

    It 'counts the context switches of a child process' {
        $p = Start-Sleeper
        try {
            $s = Start-PerfCounterSession -Event context-switches, task-clock -ProcessId $p.Id -Name "sleeper$($p.Id)"
            $s.State | Should -Be 'Running'
            $s.Target | Should -BeLike "process $($p.Id) (1 thread)"
            Start-Sleep -Milliseconds 600
            $r = Read-PerfCounter -Id $s.Id
            ($r | Where-Object Event -EQ 'context-switches').Value | Should -BeGreaterThan 5
            ($r | Where-Object Event -EQ 'task-clock').Value | Should -BeGreaterThan 0
        }
        finally { Stop-Process -Id $p.Id -ErrorAction SilentlyContinue }
    }

    It 'counts children created later with -Inherit' {
        $p = Start-Sleeper
        try {
            $plain = Start-PerfCounterSession -Event task-clock -ProcessId $p.Id
            $inherit = Start-PerfCounterSession -Event task-clock -ProcessId $p.Id -Inherit
            Start-Sleep -Milliseconds 800
            $a = (Read-PerfCounter -Id $plain.Id).Value
            $b = (Read-PerfCounter -Id $inherit.Id).Value
            $b | Should -BeGreaterThan $a -Because 'the sleep children run only in the inheriting session'
        }
        finally { Stop-Process -Id $p.Id -ErrorAction SilentlyContinue }
    }

    It 'opens one counter per thread of the process' {
        $threads = @(Get-ChildItem "/proc/$PID/task").Count
        $before = Get-PerfFdCount
        $s = Start-PerfCounterSession -Event task-clock, page-faults -ProcessId $PID
        $s.Target | Should -Match "^process $PID \(\d+ threads\)$"
        $opened = (Get-PerfFdCount) - $before
        $opened | Should -BeGreaterOrEqual (2 * ($threads - 2))
        $opened % 2 | Should -Be 0
    }

    It 'counts msr/tsc/ (a PMU that rejects exclude_kernel)' {
        $s = Start-PerfCounterSession -Event msr/tsc/ -ProcessId $PID
        (Read-PerfCounter -Id $s.Id).Value | Should -BeGreaterThan 0
    }

    It 'counts on CPUs and system-wide as root' {
        $c = Start-PerfCounterSession -Event cpu-clock -Cpu 0
        $c.Target | Should -Be 'CPU 0'
        $w = Start-PerfCounterSession -Event cpu-clock -SystemWide
        $w.Cpu | Should -Be ([PerfSecurity.Counting.CounterTarget]::OnlineCpus('/sys/devices/system/cpu/online'))
        Start-Sleep -Milliseconds 100
        (Read-PerfCounter -Id $w.Id).Value | Should -BeGreaterThan (Read-PerfCounter -Id $c.Id).Value
    }

    It 'counts duration_time as the wall time the session has counted; user_time needs a measured command' {
        $p = Start-Sleeper
        try {
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $s = Start-PerfCounterSession -Event duration_time, task-clock -ProcessId $p.Id
            Start-Sleep -Milliseconds 400
            $r = Read-PerfCounter -Id $s.Id
            $sw.Stop()
            $d = $r | Where-Object Event -EQ 'duration_time'
            $d.Unit | Should -Be 'ns'
            $d.Value | Should -BeGreaterThan 350e6
            $d.Value | Should -BeLessOrEqual ($sw.Elapsed.Ticks * 100)
            Start-PerfCounterSession -Event user_time -ProcessId $p.Id -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'PerfEventToolNeedsCommand,*'
        }
        finally { Stop-Process -Id $p.Id -ErrorAction SilentlyContinue }
    }

    It 'gives a not-supported error for hardware events, distinct from permission' {
        $s = Start-PerfCounterSession -Event cycles, instructions -ProcessId $PID -ErrorVariable err -ErrorAction SilentlyContinue
        $s | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PerfEventNotSupported,*'
        $err[0].CategoryInfo.Category | Should -Be 'NotImplemented'
        $err[0].Exception.Message | Should -Match 'not supported on this machine \(no hardware PMU'
        Get-PerfCounterSession | Should -BeNullOrEmpty
    }

    It 'reports a process that does not exist as ObjectNotFound' {
        Start-PerfCounterSession -Event task-clock -ProcessId 999999 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PerfCounterProcessNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'rejects bad event strings and offline CPUs, opening nothing' {
        $before = Get-PerfFdCount
        Start-PerfCounterSession -Event task-clock, 'sched:' -ProcessId $PID -ErrorVariable e1 -ErrorAction SilentlyContinue
        $e1[0].FullyQualifiedErrorId | Should -BeLike 'PerfEventSyntax,*'
        Start-PerfCounterSession -Event task-clock -Cpu 4096 -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'PerfCounterCpuOffline,*'
        Get-PerfFdCount | Should -Be $before
        Get-PerfCounterSession | Should -BeNullOrEmpty
    }

    It 'keeps names unique' {
        $null = Start-PerfCounterSession -Event task-clock -ProcessId $PID -Name dup
        Start-PerfCounterSession -Event task-clock -ProcessId $PID -Name dup -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PerfCounterSessionNameInUse,*'
        @(Get-PerfCounterSession).Count | Should -Be 1
    }

    It 'reports EMFILE with the RLIMIT_NOFILE numbers' {
        # A child pwsh lowers its own soft limit (prlimit, util-linux) to 40 above what it uses.
        $script = @"
Import-Module '$ModuleDir'
`$limit = @(Get-ChildItem /proc/`$PID/fd).Count + 40
& prlimit --pid `$PID "--nofile=`$(`$limit):"
try { Start-PerfCounterSession -Event task-clock,page-faults,cs,migrations,minor-faults,major-faults,cpu-clock,dummy -ProcessId `$PID -ErrorAction Stop }
catch { `$_.FullyQualifiedErrorId; `$_.CategoryInfo.Category.ToString(); `$_.Exception.Message; `$limit }
"@
        $out = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $script
        $out[0] | Should -BeLike 'PerfCounterTooManyFiles,*'
        $out[1] | Should -Be 'LimitsExceeded'
        $out[2] | Should -Match "RLIMIT_NOFILE is $($out[3]) \(soft\)"
    }

    It 'completes event names with tooltips' {
        $line = 'Start-PerfCounterSession -Event context-sw'
        $c = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $m = $c.CompletionMatches | Where-Object CompletionText -EQ 'context-switches'
        $m.ToolTip | Should -Be 'Context switches'
    }
}

Describe 'Start-PerfCounterSession with event groups' -Tag Kernel {
    BeforeAll {
        $script:GroupSleeper = Start-Process sleep -ArgumentList 600 -PassThru
        $script:GroupTracefs = Mount-TestTracefs
    }
    AfterAll {
        Dismount-TestTracefs $GroupTracefs
        if ($GroupSleeper -and -not $GroupSleeper.HasExited) { $GroupSleeper.Kill(); $GroupSleeper.WaitForExit() }
    }
    AfterEach { Get-PerfCounterSession | Stop-PerfCounterSession -Confirm:$false | Out-Null }

    It 'opens what perf stat opens for <Event>: the same attrs, leaders alone, members with the leader as group_fd' -ForEach @(
        @{ Event = '{task-clock,page-faults}' }
        @{ Event = '{task-clock:k,page-faults}:u' }
        @{ Event = 'grp{cs,page-faults:u}:k' }
        @{ Event = 'task-clock,{cs,faults}:u,cpu-migrations' }
        @{ Event = '{task-clock,page-faults}:D' }
        @{ Event = '{task-clock,page-faults,cs}:e' }
    ) {
        $perf = @(Get-PerfStatOpens $Event)
        $perf.Count | Should -BeGreaterThan 1 -Because 'perf stat -vv printed its opens'
        $groups = [PerfSecurity.Counting.EventResolver]::new().ResolveGroups([string[]]@($Event), $false)
        $mine = foreach ($g in $groups) {
            for ($i = 0; $i -lt $g.Members.Count; $i++) {
                $m = $g.Members[$i]
                [pscustomobject]@{
                    PerfType = $m.Type; Config = $m.Config
                    Exclude = [int]$m.ExcludeUser + 2 * [int]$m.ExcludeKernel + 4 * [int]$m.ExcludeHv + 8 * [int]$m.ExcludeIdle + 16 * [int]$m.ExcludeHost + 32 * [int]$m.ExcludeGuest
                    Pinned = $m.Pinned; Exclusive = $m.Exclusive; Grouped = $g.IsGroup; Leader = $i -eq 0
                }
            }
        }
        $mine.Count | Should -Be $perf.Count
        $leaderFd = -1
        for ($k = 0; $k -lt $perf.Count; $k++) {
            $p = $perf[$k]; $m = $mine[$k]
            if ($m.Leader) { $leaderFd = $p.Fd }
            "$($m.PerfType) $($m.Config) $($m.Exclude) $($m.Pinned) $($m.Exclusive) $($m.Grouped)" |
                Should -Be "$($p.PerfType) $($p.Config) $($p.Exclude) $($p.Pinned) $($p.Exclusive) $($p.Grouped)" -Because "counter $($k + 1) of '$Event'"
            $p.GroupFd | Should -Be $(if ($m.Leader) { -1 } else { $leaderFd }) -Because "counter $($k + 1) of '$Event' is $(if ($m.Leader) { 'a leader or alone' } else { 'a member' })"
        }
        $s = Start-PerfCounterSession -Event $Event -ProcessId $GroupSleeper.Id
        $s.Events.Count | Should -Be $perf.Count
    }

    It 'reads a group with one read(2) and its members share one time enabled and running' {
        $events = 'task-clock', 'context-switches', 'page-faults', 'cpu-migrations', 'minor-faults', 'major-faults', 'cpu-clock', 'alignment-faults'
        $grouped = Start-PerfCounterSession -Event $events -Group -ProcessId $GroupSleeper.Id
        $alone = Start-PerfCounterSession -Event $events -ProcessId $GroupSleeper.Id
        $reads = Start-PerfCounterSession -Event syscalls:sys_enter_read -ProcessId $PID
        $perCall = foreach ($s in $grouped, $alone) {
            $null = Read-PerfCounter -Id $s.Id
            $before = (Read-PerfCounter -Id $reads.Id).RawValue
            for ($i = 0; $i -lt 200; $i++) { $null = Read-PerfCounter -Id $s.Id }
            ((Read-PerfCounter -Id $reads.Id).RawValue - $before) / 200
        }
        # The rest is this process's own reads, about one per call (the reading of the read counter among them).
        $perCall[0] | Should -BeLessThan 1.5 -Because "8 events in one group: $($perCall[0]) read(2) per Read-PerfCounter"
        $perCall[1] | Should -BeGreaterOrEqual 8 -Because "8 events alone: $($perCall[1]) read(2) per Read-PerfCounter"
        $r = Read-PerfCounter -Id $grouped.Id
        @($r.TimeEnabled | Sort-Object -Unique).Count | Should -Be 1
        @($r.TimeRunning | Sort-Object -Unique).Count | Should -Be 1
        $r.Group | Sort-Object -Unique | Should -Be ('{' + ($events -join ',') + '}')
        $r.GroupLeader | Sort-Object -Unique | Should -Be 'task-clock'
        $grouped.Groups | Should -Be ('{' + ($events -join ',') + '}')
    }

    It 'shows which events counted together: group, leader, and events alone' {
        $s = Start-PerfCounterSession -Event '{task-clock,page-faults}', 'context-switches' -ProcessId $GroupSleeper.Id
        $r = Read-PerfCounter -Id $s.Id
        $r.Event | Should -Be @('task-clock', 'page-faults', 'context-switches')
        $r.Group | Should -Be @('{task-clock,page-faults}', '{task-clock,page-faults}', $null)
        $r.GroupLeader | Should -Be @('task-clock', 'task-clock', $null)
        (Read-PerfCounter -Id $s.Id | Out-String -Width 200) | Should -Match 'page-faults .*\{task-clock,page-faults\}'
    }

    It 'refuses a group the kernel cannot take whole, as perf stat does, and opens nothing' {
        # The kernel refuses (E2BIG) a member that would make one read of the group exceed 16 KiB: 1022 events with
        # time enabled, time running and ids.
        $events = @('page-faults:u') * 1023
        $perfText = (& perf stat -e ('{' + ($events -join ',') + '}') -- true 2>&1 | Out-String)
        $perfText | Should -Match 'Argument list too long'
        $before = Get-PerfFdCount
        Start-PerfCounterSession -Event $events -Group -ProcessId $GroupSleeper.Id -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PerfCounterGroupTooLarge,*'
        $err[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $err[0].Exception.Message | Should -Match 'event 1023 of the group .*1022 events here'
        Get-PerfFdCount | Should -Be $before
        $full = Start-PerfCounterSession -Event ($events[0..1021]) -Group -ProcessId $GroupSleeper.Id
        @(Read-PerfCounter -Id $full.Id).Count | Should -Be 1022
    }

    It 'refuses, before opening, what the kernel refuses in a group: <Case>' -ForEach @(
        @{ Case = 'a pinned member'; Event = '{task-clock,page-faults:D}'; ErrorId = 'PerfEventGroupMemberPinned'; Perf = '<not supported>\s+page-faults:D' }
        @{ Case = 'a tool event'; Event = '{task-clock,duration_time}'; ErrorId = 'PerfEventGroupToolEvent'; Perf = $null }
        @{ Case = 'a nested group'; Event = '{task-clock,{page-faults}}'; ErrorId = 'PerfEventSyntax'; Perf = 'parser error' }
    ) {
        if ($Perf) { (& perf stat -e $Event -- true 2>&1 | Out-String) | Should -Match $Perf }
        $before = Get-PerfFdCount
        Start-PerfCounterSession -Event $Event -ProcessId $GroupSleeper.Id -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        Get-PerfFdCount | Should -Be $before
    }

    It 'refuses -Group with events already in braces' {
        Start-PerfCounterSession -Event '{task-clock,cs}', 'page-faults' -Group -ProcessId $GroupSleeper.Id -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PerfEventGroupConflict,*'
    }
}

Describe 'Start-PerfCounterSession -Cgroup' -Tag Kernel {
    BeforeAll {
        $script:CgWork = New-CountingWorkloads
        $script:CgTracefs = Mount-TestTracefs
        $script:Cg = New-TestCgroup
    }
    AfterAll {
        Get-PerfCounterSession | Stop-PerfCounterSession -Confirm:$false | Out-Null
        Remove-TestCgroup $Cg
        Dismount-TestTracefs $CgTracefs
        Remove-Item -Recurse -Force $CgWork -ErrorAction SilentlyContinue
    }
    AfterEach { Get-PerfCounterSession | Stop-PerfCounterSession -Confirm:$false | Out-Null }

    It 'counts the tasks of a cgroup on every CPU exactly as perf stat -a -G does' {
        $go = "$CgWork/go-$(Get-Random)"
        $out = "$CgWork/perfstat-$(Get-Random).csv"
        $w = Start-Process "$CgWork/gogetppid" -ArgumentList 12345, $go -PassThru
        try {
            Add-TestCgroupProcess $Cg $w.Id
            $s = Start-PerfCounterSession -Cgroup $Cg -Event syscalls:sys_enter_getppid, context-switches -ErrorAction Stop
            $s.Target | Should -Be "cgroup $Cg ($([PerfSecurity.Counting.CounterTarget]::OnlineCpus('/sys/devices/system/cpu/online').Count) CPUs)"
            $s.Cgroup | Should -Be $Cg
            $perf = Start-Process perf -ArgumentList 'stat', '-x,', '-o', $out, '-a', '-e', 'syscalls:sys_enter_getppid', '-G', (Split-Path -Leaf $Cg), '--', 'sleep', '3' -PassThru
            Start-Sleep -Milliseconds 700   # perf attached
            $null = New-Item $go
            $w.WaitForExit(30000) | Should -BeTrue
            $perf.WaitForExit()
            $perCpu = Read-PerfCounter -Id $s.Id -PerCpu | Where-Object Event -EQ 'syscalls:sys_enter_getppid'
            $perCpu.Cpu | Should -Be ([PerfSecurity.Counting.CounterTarget]::OnlineCpus('/sys/devices/system/cpu/online'))
            ($perCpu.Value | Measure-Object -Sum).Sum | Should -Be 12345
            $theirs = [double]((Get-Content $out | Where-Object { $_ -match ',syscalls:sys_enter_getppid,' }) -split ',')[0]
            $theirs | Should -Be 12345
            ($s | Stop-PerfCounterSession | Where-Object Event -EQ 'syscalls:sys_enter_getppid').Value | Should -Be $theirs
        }
        finally {
            if (-not $w.HasExited) { $w.Kill(); $w.WaitForExit() }
            Remove-Item $go, $out -ErrorAction SilentlyContinue
        }
    }

    It 'refuses what is not a cgroup the kernel can count: <Case>' -ForEach @(
        @{ Case = 'a v1 hierarchy without perf_event'; Path = '/sys/fs/cgroup/cpu'; ErrorId = 'PerfCounterCgroupNoPerfEvent'; Message = 'does not have the perf_event controller.*perf_event controller is in the cgroup v2 hierarchy at /sys/fs/cgroup/unified' }
        @{ Case = 'a directory that is no cgroup'; Path = '/tmp'; ErrorId = 'PerfCounterNotACgroup'; Message = "'/tmp' is not a cgroup" }
        @{ Case = 'a missing cgroup'; Path = '/sys/fs/cgroup/unified/no-such-cgroup-here'; ErrorId = 'PerfCounterCgroupNotFound'; Message = 'does not exist' }
        @{ Case = 'a path with ..'; Path = '/sys/fs/cgroup/unified/../unified'; ErrorId = 'PerfCounterCgroupBadPath'; Message = "'\.\.' is not followed" }
        @{ Case = 'a file'; Path = '/sys/fs/cgroup/unified/cgroup.procs'; ErrorId = 'PerfCounterNotACgroup'; Message = 'is not a directory' }
    ) {
        if ($Path -eq '/sys/fs/cgroup/cpu' -and -not (Test-Path $Path)) { Set-ItResult -Skipped -Because "machine: no cgroup v1 cpu hierarchy at $Path"; return }
        $before = Get-PerfFdCount
        Start-PerfCounterSession -Cgroup $Path -Event task-clock -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        Get-PerfFdCount | Should -Be $before
        $err[0].Exception.Message | Should -Match $Message
    }

    Context 'with an unprivileged user' -Tag Unprivileged {
        BeforeAll { $script:CgUser = New-TestUser -Prefix 'pscg' }
        AfterAll { Remove-TestUser $CgUser }

        It 'does not follow a symbolic link another user planted to a cgroup' -Tag Security {
            $dir = Join-Path ([IO.Path]::GetTempPath()) "pscglink-$(Get-Random)"
            $null = New-Item -ItemType Directory $dir
            & chown $CgUser $dir
            try {
                $r = Invoke-AsUser $CgUser { param($d, $t) [IO.File]::CreateSymbolicLink("$d/cg", $t) | Out-Null; 'made' } -ArgumentList $dir, $Cg
                $r.Output | Should -Be 'made'
                (Get-Item "$dir/cg").LinkTarget | Should -Be $Cg
                $before = Get-PerfFdCount
                Start-PerfCounterSession -Cgroup "$dir/cg" -Event task-clock -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                $err[0].FullyQualifiedErrorId | Should -BeLike 'PerfCounterCgroupUntrustedLink,*'
                $err[0].CategoryInfo.Category | Should -Be 'SecurityError'
                Get-PerfFdCount | Should -Be $before
                Get-PerfCounterSession | Should -BeNullOrEmpty
            }
            finally { Remove-Item -Recurse -Force $dir }
        }

        It 'is CPU-wide for the kernel: an unprivileged user is refused at paranoid 2 and allowed at 0' -Tag Security, Slow {
            (Get-PerfAccess | Where-Object Scope -EQ CpuWide).Reason | Should -Match 'cgroup counting'
            Use-ParanoidLevel 2 {
                $r = Invoke-AsUser $CgUser { param($c) Start-PerfCounterSession -Cgroup $c -Event task-clock | Out-Null } -ArgumentList $Cg
                $r.ErrorId | Should -BeLike 'PerfCounterPermissionDenied,*'
                $r.Category | Should -Be 'PermissionDenied'
                $r.Message | Should -Match 'counting a cgroup is CPU-wide'
                $r.Message | Should -Match 'CAP_PERFMON'
                $r.Message | Should -Match 'perf_event_paranoid 0 or lower; it is 2'
                $a = Invoke-AsUser $CgUser { (Get-PerfAccess | Where-Object Scope -EQ CpuWide).Allowed }
                $a.Output | Should -BeFalse
                # perf stat -G refuses the same user at the same level.
                $p = Invoke-AsUser $CgUser { param($n) (& perf stat '-x,' -a -e task-clock -G $n -- true 2>&1 | Out-String) } -ArgumentList (Split-Path -Leaf $Cg)
                $p.Output | Should -Match 'perf_event_paranoid|Permission denied|Access to performance monitoring'
                $p.Output | Should -Not -Match '(?m)^[0-9.]+,msec,task-clock'
            }
            # A cgroup's counters run only while its tasks do: a shell that wakes every 20 ms is put in it.
            $busy = Start-Process /bin/sh -ArgumentList '-c', '"while :; do sleep 0.02; done"' -PassThru
            try {
                Add-TestCgroupProcess $Cg $busy.Id
                Use-ParanoidLevel 0 {
                    $r = Invoke-AsUser $CgUser { param($c) $s = Start-PerfCounterSession -Cgroup $c -Event context-switches; Start-Sleep -Milliseconds 300; $s | Read-PerfCounter } -ArgumentList $Cg
                    $r.ErrorId | Should -BeNullOrEmpty
                    $r.Output.Counted | Should -BeTrue
                    $r.Output.Value | Should -BeGreaterThan 0
                    $p = Invoke-AsUser $CgUser { param($n) (& perf stat '-x,' -a -e context-switches -G $n -- sleep 0.3 2>&1 | Out-String) } -ArgumentList (Split-Path -Leaf $Cg)
                    $p.Output | Should -Match '(?m)^[0-9]+,,context-switches,' -Because 'perf stat -G counts the cgroup for the same user at paranoid 0'
                }
            }
            finally { $busy.Kill(); $busy.WaitForExit() }
        }
    }
}

Describe 'Start-PerfCounterSession help examples' -Tag Kernel, Slow {
    It 'runs <Title> as written' -ForEach $CountingHelpExamples {
        . "$PSScriptRoot/examples.ps1"
        $r = Invoke-HelpExample $Code ([IO.Path]::GetTempPath())
        $r.ExitCode | Should -Be 0 -Because $r.Output
        $r.Output | Should -Match $(if ($Title -match 'cgroup') { 'context.*100\.00%' } else { 'page-faults .*\{task-clock,page-faults\}' })
    }
}

Describe 'Start-PerfCounterSession as an unprivileged user' -Tag Kernel, Unprivileged {
    It 'refuses -SystemWide at paranoid 2 naming CAP_PERFMON, and allows it at paranoid 0' {
        Use-ParanoidLevel 2 {
            $r = Invoke-AsUser $User { Start-PerfCounterSession -Event task-clock -SystemWide | Out-Null }
            $r.ErrorId | Should -BeLike 'PerfCounterPermissionDenied,*'
            $r.Category | Should -Be 'PermissionDenied'
            $r.Message | Should -Match 'CAP_PERFMON'
            $r.Message | Should -Match 'perf_event_paranoid 0 or lower; it is 2'
        }
        Use-ParanoidLevel 0 {
            $r = Invoke-AsUser $User { (Start-PerfCounterSession -Event task-clock -SystemWide | Read-PerfCounter).Counted }
            $r.ErrorId | Should -BeNullOrEmpty
            $r.Output | Should -BeTrue
        }
    }

    It 'counts its own process in user space only at paranoid 2, as perf does' {
        Use-ParanoidLevel 2 {
            $r = Invoke-AsUser $User { $s = Start-PerfCounterSession -Event task-clock, page-faults:u -ProcessId $PID -WarningAction SilentlyContinue; $s.Events }
            $r.ErrorId | Should -BeNullOrEmpty
            $r.Output | Should -Be @('task-clock:u', 'page-faults:u')
        }
    }

    It 'refuses another user''s process, naming the owner' {
        Use-ParanoidLevel 2 {
            $r = Invoke-AsUser $User { Start-PerfCounterSession -Event task-clock:u -ProcessId 1 | Out-Null }
            $r.ErrorId | Should -BeLike 'PerfCounterPermissionDenied,*'
            $r.Message | Should -Match "belongs to user 'root'"
        }
    }
}
