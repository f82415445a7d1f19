BeforeDiscovery {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/examples.ps1"
    $script:CountingHelpExamples = @(Get-HelpExample Measure-PerfCommand | Where-Object Title -Match 'group')
}

BeforeAll {
    . "$PSScriptRoot/counting.ps1"
    $script:Work = New-CountingWorkloads
    $script:Tracefs = Mount-TestTracefs
}
AfterAll {
    Dismount-TestTracefs $Tracefs
    Remove-Item -Recurse -Force $Work -ErrorAction SilentlyContinue
}

Describe 'Measure-PerfCommand' -Tag Kernel {
    It 'counts the page faults of a command like perf stat (within 2%)' {
        $ours = (Measure-PerfCommand "$Work/touch" 20000 -Event page-faults).Counters[0]
        $perf = (Invoke-PerfStat -Event page-faults -Command "$Work/touch", 20000)['page-faults']
        $ours.Event | Should -Be 'page-faults'
        $ours.Value | Should -BeGreaterThan 20000
        [math]::Abs($ours.Value - $perf) / $perf | Should -BeLessOrEqual 0.02
    }

    It 'counts exactly N getppid calls through a tracepoint' {
        $m = Measure-PerfCommand -FilePath "$Work/getppid" -ArgumentList 12345 -Event syscalls:sys_enter_getppid
        $m.Counters[0].Value | Should -Be 12345
        $m.Counters[0].RawValue | Should -Be 12345
        (Invoke-PerfStat -Event syscalls:sys_enter_getppid -Command "$Work/getppid", 12345)['syscalls:sys_enter_getppid'] | Should -Be 12345
    }

    It 'includes the children of the command' {
        # The shell itself calls getppid once for $PPID: perf stat counts the same.
        $script = "$Work/getppid 300; $Work/getppid 200"
        $m = Measure-PerfCommand /bin/sh -ArgumentList '-c', $script -Event syscalls:sys_enter_getppid
        $m.Counters[0].Value | Should -BeGreaterOrEqual 500
        $m.Counters[0].Value | Should -Be (Invoke-PerfStat -Event syscalls:sys_enter_getppid -Command /bin/sh, '-c', $script)['syscalls:sys_enter_getppid']
    }

    It 'agrees with perf stat on task-clock of the same CPU-bound run (within 5%)' {
        # CPU steal on a shared VM moves task-clock by tens of percent from one run to the next, so both
        # tools count the same run: a workload that waits for a go file, with our session and perf stat -p
        # attached to it before it starts burning.
        $go = "$Work/go-$(Get-Random)"
        $proc = Start-Process "$Work/gospin" -ArgumentList 300, $go -PassThru
        $out = "$Work/perfstat-$(Get-Random).csv"
        try {
            $session = Start-PerfCounterSession -ProcessId $proc.Id -Event task-clock
            $perf = Start-Process perf -ArgumentList 'stat', '-x,', '-o', $out, '-e', 'task-clock', '-p', $proc.Id -PassThru
            Start-Sleep -Milliseconds 500   # perf attached
            $null = New-Item $go
            $proc.WaitForExit()
            $perf.WaitForExit()
            $ours = ($session | Stop-PerfCounterSession).Value / 1e6
            $theirs = [double]((Get-Content $out | Where-Object { $_ -match ',task-clock' }) -split ',')[0]
            $ours | Should -BeGreaterThan 10
            [math]::Abs($ours - $theirs) / $theirs | Should -BeLessOrEqual 0.05 -Because "ours $ours ms, perf stat $theirs ms"
        }
        finally {
            if (-not $proc.HasExited) { $proc.Kill() }
            Remove-Item $go, $out -ErrorAction SilentlyContinue
        }
    }

    It 'counts as task-clock the CPU time the kernel charged to the run it launched (within 2 ticks of a 150-tick run)' {
        # user+sys (wait4's rusage) comes from tick-based accounting, so it can be off by a tick (1/CONFIG_HZ s) from
        # task-clock, plus the launcher's own CPU time before exec, which task-clock does not count (about 1 ms).
        # So the run lasts 150 ticks of CPU time (600 ms at HZ=250), one tick is 0.67% of it, and the tolerance is
        # 2 ticks (1.3%): one for the accounting, one for the launcher.
        $hz = Get-KernelHz
        $tick = 1000 / $hz
        $m = Measure-PerfCommand "$Work/cpuburn" ([int](150 * $tick)) -Event task-clock
        $taskClock = $m.Counters[0].Value / 1e6
        $cpu = ($m.UserTime + $m.SystemTime).TotalMilliseconds
        $taskClock | Should -BeGreaterThan (100 * $tick) -Because 'one tick must be under 1% of the run'
        [math]::Abs($taskClock - $cpu) | Should -BeLessOrEqual (2 * $tick) -Because "task-clock $taskClock ms, user+sys $cpu ms, HZ $hz"
        $m.CpusUtilized | Should -BeGreaterThan 0
    }

    It 'does not count the launcher: /bin/true faults like under perf stat' {
        $ours = (Measure-PerfCommand /bin/true -Event page-faults).Counters[0].Value
        $perf = (Invoke-PerfStat -Event page-faults -Command /bin/true)['page-faults']
        [math]::Abs($ours - $perf) | Should -BeLessOrEqual 10 -Because "ours $ours, perf stat $perf"
    }

    It 'counts perf stat''s default software events when -Event is omitted' {
        $m = Measure-PerfCommand /bin/true
        $m.Counters.Event | Should -Be @('task-clock', 'context-switches', 'cpu-migrations', 'page-faults')
        $m.Counters | ForEach-Object { $_.Counted | Should -BeTrue }
        $m.Elapsed | Should -BeGreaterThan ([timespan]::Zero)
    }

    It 'reports the exit code, 128 + signal, and user time' {
        (Measure-PerfCommand /bin/sh -ArgumentList '-c', 'exit 3').ExitCode | Should -Be 3
        (Measure-PerfCommand /bin/sh -ArgumentList '-c', 'kill -TERM $$').ExitCode | Should -Be 143
        $m = Measure-PerfCommand "$Work/spin" 100 -Event task-clock
        ($m.UserTime + $m.SystemTime).TotalMilliseconds | Should -BeGreaterThan ($m.Counters[0].Value / 1e6 * 0.5)
    }

    It 'repeats and reports the mean with its standard error' {
        $m = Measure-PerfCommand "$Work/touch" 1000 -Event page-faults, task-clock -Repeat 4
        $m.Runs | Should -Be 4
        $m.ElapsedVariation | Should -Not -BeNullOrEmpty
        $m.Counters | ForEach-Object { $_.Variation | Should -Not -BeNullOrEmpty }
        $m.Counters[0].Value | Should -BeGreaterThan 1000
    }

    It 'runs in the current PowerShell location' {
        Push-Location $Work
        try { (Measure-PerfCommand ./getppid 7 -Event syscalls:sys_enter_getppid).Counters[0].Value | Should -Be 7 }
        finally { Pop-Location }
    }

    It 'counts msr/tsc/ without forcing exclude_kernel' {
        $r = (Measure-PerfCommand "$Work/spin" 20 -Event msr/tsc/).Counters[0]
        $r.Counted | Should -BeTrue
        $r.Value | Should -BeGreaterThan 0
    }

    It 'gives a not-supported error for hardware events' {
        $m = Measure-PerfCommand /bin/true -Event cycles -ErrorVariable err -ErrorAction SilentlyContinue
        $m | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PerfEventNotSupported,*'
        $err[0].CategoryInfo.Category | Should -Be 'NotImplemented'
        $err[0].Exception.Message | Should -Match 'no hardware PMU'
    }

    It 'reports a missing command and a bad event string' {
        Measure-PerfCommand /no/such/program -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PerfCounterCommandNotFound,*'
        Measure-PerfCommand /bin/true -Event 'page-faults:q' -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'PerfEventBadModifier,*'
    }

    It 'leaves no perf descriptors or cork folders behind' {
        $before = Get-PerfFdCount
        $null = Measure-PerfCommand /bin/true
        Get-PerfFdCount | Should -Be $before
        Get-ChildItem ([IO.Path]::GetTempPath()) -Filter 'perfsecurity-cork-*' -ErrorAction SilentlyContinue |
            Where-Object LastWriteTime -GT (Get-Date).AddMinutes(-1) | Should -BeNullOrEmpty
    }

    It 'ends the command when stopped (Ctrl+C) and returns nothing' {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$ModuleDir'; Measure-PerfCommand /bin/sleep 30 -Event task-clock")
        $async = $ps.BeginInvoke()
        $deadline = (Get-Date).AddSeconds(10)
        while (-not (Get-Process sleep -ErrorAction SilentlyContinue | Where-Object { $_.Parent.Id -eq $PID }) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 50 }
        Get-Process sleep -ErrorAction SilentlyContinue | Where-Object { $_.Parent.Id -eq $PID } | Should -Not -BeNullOrEmpty
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 5
        $async.IsCompleted | Should -BeTrue
        Get-Process sleep -ErrorAction SilentlyContinue | Where-Object { $_.Parent.Id -eq $PID } | Should -BeNullOrEmpty
        $ps.Dispose()
    }

    It 'refuses a command exec would refuse, as perf stat does (<Case>)' -ForEach @(
        @{ Case = 'no execute bit'; Setup = { param($f) Set-Content $f "#!/bin/sh`necho hi"; & chmod 0644 $f }; Errno = 'Permission denied' }
        @{ Case = 'a directory'; Setup = { param($f) $null = New-Item -ItemType Directory $f }; Errno = 'Permission denied' }
        @{ Case = 'missing interpreter'; Setup = { param($f) Set-Content $f "#!/no/such/interpreter`necho hi"; & chmod 0755 $f }; Errno = 'No such file or directory' }
    ) {
        $f = "$Work/notexec-$(Get-Random)"
        & $Setup $f
        try {
            # What perf says about the same workload, captured here.
            $perf = (& perf stat -e task-clock -- $f 2>&1 | Out-String)
            $perf | Should -Match "Workload failed: $Errno"
            $m = Measure-PerfCommand $f -Event task-clock -ErrorVariable err -ErrorAction SilentlyContinue
            $m | Should -BeNullOrEmpty -Because 'no result with exit code 126'
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'PerfCounterCommandNotExecutable,*'
            $err[0].Exception.Message | Should -Match $Errno
        }
        finally { Remove-Item -Recurse -Force $f -ErrorAction SilentlyContinue }
    }

    It 'finds on PATH the first file it may execute, as execvp does' {
        $dirA = "$Work/path-a-$(Get-Random)"; $dirB = "$Work/path-b-$(Get-Random)"
        $null = New-Item -ItemType Directory $dirA, $dirB
        Set-Content "$dirA/tool" "#!/bin/sh`nexit 3"; & chmod 0644 "$dirA/tool"
        Set-Content "$dirB/tool" "#!/bin/sh`nexit 4"; & chmod 0755 "$dirB/tool"
        $saved = $env:PATH
        try {
            $env:PATH = "${dirA}:${dirB}:$saved"
            (Measure-PerfCommand tool -Event task-clock).ExitCode | Should -Be 4
            & sh -c 'tool; exit $?' | Out-Null
            $LASTEXITCODE | Should -Be 4 -Because 'the shell skips the non-executable one too'
        }
        finally { $env:PATH = $saved; Remove-Item -Recurse -Force $dirA, $dirB }
    }

    It 'redirects the command''s output, error and input to files' {
        $out = "$Work/out-$(Get-Random).txt"; $errFile = "$Work/err-$(Get-Random).txt"; $in = "$Work/in-$(Get-Random).txt"
        try {
            $m = Measure-PerfCommand /bin/sh -ArgumentList '-c', 'echo to-out; echo to-err >&2' -Event task-clock -RedirectStandardOutput $out -RedirectStandardError $errFile
            $m.ExitCode | Should -Be 0
            Get-Content $out | Should -Be 'to-out'
            Get-Content $errFile | Should -Be 'to-err'
            # One file for both streams, in order, as 2>&1; runs of -Repeat follow each other in it.
            $null = Measure-PerfCommand /bin/sh -ArgumentList '-c', 'echo a; echo b >&2' -Event task-clock -RedirectStandardOutput $out -RedirectStandardError $out -Repeat 2
            Get-Content $out | Should -Be @('a', 'b', 'a', 'b')
            Set-Content $in "line one`nline two"
            $null = Measure-PerfCommand /bin/cat -Event task-clock -RedirectStandardInput $in -RedirectStandardOutput $out
            Get-Content $out | Should -Be @('line one', 'line two')
            # Relative paths are taken from the PowerShell location.
            Push-Location $Work
            try { $null = Measure-PerfCommand /bin/echo rel -Event task-clock -RedirectStandardOutput (Split-Path -Leaf $out) }
            finally { Pop-Location }
            Get-Content $out | Should -Be 'rel'
        }
        finally { Remove-Item $out, $errFile, $in -ErrorAction SilentlyContinue }
        Measure-PerfCommand /bin/true -Event task-clock -RedirectStandardOutput '/no/such/dir/out.txt' -ErrorVariable bad -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $bad[0].FullyQualifiedErrorId | Should -BeLike 'PerfCounterRedirectFailed,*'
    }

    It 'discards the command''s output with -Quiet' {
        # The command writes to this process's own standard output and error, so a child pwsh shows it.
        $marker = "quiet-marker-$(Get-Random)"
        $run = { param($switch) & dotnet "$PSHOME/pwsh.dll" -NoProfile -NonInteractive -Command "Import-Module '$ModuleDir'; `$null = Measure-PerfCommand /bin/sh -ArgumentList '-c', 'echo $marker; echo $marker >&2' -Event task-clock $switch" 2>&1 | Out-String }
        & $run '' | Should -Match $marker
        & $run '-Quiet' | Should -Not -Match $marker
    }

    It 'counts perf''s tool events: duration_time, user_time and system_time' {
        $m = Measure-PerfCommand "$Work/spin" 50 -Event duration_time, user_time, system_time, task-clock
        $m.Counters.Event | Should -Be @('duration_time', 'user_time', 'system_time', 'task-clock')
        $m.Counters[0].Unit | Should -Be 'ns'
        $m.Counters[0].Value | Should -Be ([math]::Round($m.Elapsed.Ticks * 100)) -Because 'the wall time of the run'
        $m.Counters[1].Value | Should -Be ($m.UserTime.Ticks * 100)
        $m.Counters[2].Value | Should -Be ($m.SystemTime.Ticks * 100)
        # perf stat reports duration_time for the same workload in the same unit.
        $perf = Invoke-PerfStat -Event duration_time -Command "$Work/spin", 50
        $perf['duration_time'] | Should -BeGreaterThan 0
        $m.Counters[0].Value / $perf['duration_time'] | Should -BeGreaterThan 0.2
        $m.Counters[0].Value / $perf['duration_time'] | Should -BeLessThan 5
    }

    It 'counts executions of a function with an execute breakpoint (mem:ADDR:x) like perf stat' {
        Set-Content "$Work/bp.c" @'
#include <stdlib.h>
__attribute__((noinline)) void hit(volatile int *x) { (*x)++; }
int main(int argc, char **argv) { volatile int x = 0; long n = atol(argv[1]); for (long i = 0; i < n; i++) hit(&x); return 0; }
'@
        & cc -O1 -no-pie -o "$Work/bp" "$Work/bp.c"
        $LASTEXITCODE | Should -Be 0
        $address = '0x' + ((& nm "$Work/bp" | Where-Object { $_ -match ' T hit$' }) -split ' ')[0].TrimStart('0')
        $event = "mem:${address}:x"
        $perf = Invoke-PerfStat -Event $event -Command "$Work/bp", 777
        $perf[$event] | Should -Be 777
        (Measure-PerfCommand "$Work/bp" 777 -Event $event).Counters[0].Value | Should -Be 777
        (Measure-PerfCommand "$Work/bp" 777 -Event "${event}:k").Counters[0].Value | Should -Be 0 -Because 'the function runs in user space'
    }

    It 'completes event names' {
        $line = 'Measure-PerfCommand /bin/true -Event page-fa'
        $c = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $c.CompletionMatches.CompletionText | Should -Contain 'page-faults'
    }
}

Describe 'Measure-PerfCommand with groups, intervals and cgroups' -Tag Kernel {
    It 'counts {syscalls:sys_enter_getppid,page-faults},context-switches as perf stat does, and shows the group' {
        $events = '{syscalls:sys_enter_getppid,page-faults}', 'context-switches'
        $perf = Invoke-PerfStat -Event $events -Command "$Work/getppid", 12345
        $perf['syscalls:sys_enter_getppid'] | Should -Be 12345
        $m = Measure-PerfCommand "$Work/getppid" 12345 -Event $events
        $m.Counters.Event | Should -Be @('syscalls:sys_enter_getppid', 'page-faults', 'context-switches')
        $m.Counters[0].Value | Should -Be 12345
        [math]::Abs($m.Counters[1].Value - $perf['page-faults']) | Should -BeLessOrEqual 10 -Because "ours $($m.Counters[1].Value), perf stat $($perf['page-faults'])"
        $m.Counters.Group | Should -Be @('{syscalls:sys_enter_getppid,page-faults}', '{syscalls:sys_enter_getppid,page-faults}', $null)
        $m.Counters.GroupLeader | Should -Be @('syscalls:sys_enter_getppid', 'syscalls:sys_enter_getppid', $null)
        $m.Counters[0].TimeEnabled | Should -Be $m.Counters[1].TimeEnabled -Because 'one read of the group gives its members one enabled time'
        ($m | Out-String -Width 200) | Should -Match 'page-faults .*\{syscalls:sys_enter_getppid,page-faults\}'
    }

    It 'counts with -Group the way perf stat counts the events in braces' {
        $m = Measure-PerfCommand "$Work/touch" 20000 -Event task-clock, page-faults -Group
        $perf = Invoke-PerfStat -Event '{task-clock,page-faults}' -Command "$Work/touch", 20000
        $m.Counters.Group | Sort-Object -Unique | Should -Be '{task-clock,page-faults}'
        [math]::Abs($m.Counters[1].Value - $perf['page-faults']) / $perf['page-faults'] | Should -BeLessOrEqual 0.02
    }

    It 'writes the counts of each interval while the command runs, adding up to its total like perf stat -I' {
        $perfOut = & perf stat -I 100 '-x,' -e syscalls:sys_enter_getppid -- "$Work/paced" 30000 1000 20 2>&1 | ForEach-Object { "$_" }
        $theirs = ($perfOut | Where-Object { $_ -match ',syscalls:sys_enter_getppid,' } | ForEach-Object { [double](($_ -split ',')[1]) } | Measure-Object -Sum).Sum
        $theirs | Should -Be 30000
        $all = @(Measure-PerfCommand "$Work/paced" 30000 1000 20 -Event syscalls:sys_enter_getppid, duration_time -Interval 100ms)
        $intervals = @($all | Where-Object { $_ -is [PerfSecurity.CounterInterval] })
        $total = $all[-1]
        $total | Should -BeOfType PerfSecurity.CommandMeasurement
        $intervals.Count | Should -BeGreaterOrEqual 4
        $intervals.Number | Should -Be (1..$intervals.Count)
        ($intervals | ForEach-Object { $_.Counters[0].Value } | Measure-Object -Sum).Sum | Should -Be 30000
        $total.Counters[0].Value | Should -Be 30000
        # duration_time of an interval is its length; together they make the run's.
        foreach ($i in $intervals) { [math]::Abs($i.Counters[1].Value / 1e6 - $i.Duration.TotalMilliseconds) | Should -BeLessThan 1 }
        ($intervals | ForEach-Object { $_.Counters[1].Value } | Measure-Object -Sum).Sum / 1e6 | Should -BeGreaterOrEqual ($total.Elapsed.TotalMilliseconds - 1)
    }

    It 'streams intervals while the command runs, and Ctrl+C ends the command' {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$ModuleDir'; Measure-PerfCommand /bin/sleep 30 -Event task-clock -Interval 50ms")
        $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
        $handle = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        while ($output.Count -lt 3 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        $output.Count | Should -BeGreaterOrEqual 3 -Because 'intervals arrive while the command runs'
        $output[0] | Should -BeOfType PerfSecurity.CounterInterval
        $sleeper = Get-Process sleep -ErrorAction SilentlyContinue | Where-Object { $_.Parent.Id -eq $PID }
        $sleeper | Should -Not -BeNullOrEmpty
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 5
        $handle.IsCompleted | Should -BeTrue
        Get-Process -Id $sleeper.Id -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        @($output | Where-Object { $_ -is [PerfSecurity.CommandMeasurement] }).Count | Should -Be 0
        $ps.Dispose()
    }

    It 'refuses -Interval with -Repeat' {
        { Measure-PerfCommand /bin/true -Interval 1s -Repeat 2 -ErrorAction Stop } | Should -Throw -ErrorId 'PerfCounterIntervalWithRepeat,*'
    }

    It 'counts a cgroup''s tasks on every CPU while the command runs, as perf stat -a -G does' {
        $cg = New-TestCgroup
        $workloads = @()
        try {
            $counts = foreach ($tool in 'perf', 'ours') {
                # A workload in the cgroup waits for a go file; the command (outside the cgroup) creates it and waits for
                # the workload to end (gone or a zombie), so only the workload's 4321 getppid calls are the cgroup's.
                $go = "$Work/go-$(Get-Random)"
                $w = Start-Process "$Work/gogetppid" -ArgumentList 4321, $go -PassThru
                $workloads += $w
                Add-TestCgroupProcess $cg $w.Id
                $script = "touch '$go'; while [ -d /proc/$($w.Id) ] && ! grep -q '^State:.*Z' /proc/$($w.Id)/status; do sleep 0.01; done"
                if ($tool -eq 'perf') {
                    $out = & perf stat '-x,' -a -e syscalls:sys_enter_getppid -G (Split-Path -Leaf $cg) -- /bin/sh -c $script 2>&1 | ForEach-Object { "$_" }
                    [double](($out | Where-Object { $_ -match ',syscalls:sys_enter_getppid,' }) -split ',')[0]
                }
                else {
                    (Measure-PerfCommand /bin/sh -ArgumentList '-c', $script -Cgroup $cg -Event syscalls:sys_enter_getppid).Counters[0].Value
                }
                $w.WaitForExit(30000) | Should -BeTrue -Because "the $tool run released the workload"
                Remove-Item $go
            }
            $counts | Should -Be @(4321, 4321)
        }
        finally {
            $workloads | Where-Object { -not $_.HasExited } | ForEach-Object { $_.Kill(); $_.WaitForExit() }
            Remove-TestCgroup $cg
        }
    }
}

Describe 'Measure-PerfCommand help examples' -Tag Kernel {
    It 'runs <Title> as written' -ForEach $CountingHelpExamples {
        . "$PSScriptRoot/examples.ps1"
        $r = Invoke-HelpExample $Code ([IO.Path]::GetTempPath())
        $r.ExitCode | Should -Be 0 -Because $r.Output
        $r.Output | Should -Match '(?m)^ +\d+\.\d{9} .* page-faults '
        ($r.Output -replace '\e\[[0-9;]*m', '') | Should -Match 'ExitCode +: 0'
    }
}

