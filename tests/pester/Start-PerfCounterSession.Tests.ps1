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
