BeforeDiscovery {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/examples.ps1"
    $script:CountingHelpExamples = @(Get-HelpExample Read-PerfCounter | Where-Object Title -Match 'every second')
}

BeforeAll { . "$PSScriptRoot/counting.ps1" }

Describe 'Read-PerfCounter' -Tag Kernel {
    BeforeEach { $s = Start-PerfCounterSession -Event task-clock, page-faults -ProcessId $PID -Name "read$PID" }
    AfterEach { Get-PerfCounterSession | Stop-PerfCounterSession -Confirm:$false | Out-Null }

    It 'reads a session from the pipeline, by id and by name' {
        $a = $s | Read-PerfCounter
        $a.Event | Should -Be @('task-clock', 'page-faults')
        $a | ForEach-Object { $_.SessionId | Should -Be $s.Id; $_.Counted | Should -BeTrue }
        (Read-PerfCounter -Id $s.Id).Count | Should -Be 2
        (Read-PerfCounter -Name 'read*').Count | Should -Be 2
    }

    It 'scales like perf stat and clamps PercentRunning' {
        foreach ($r in Read-PerfCounter -Id $s.Id) {
            $r.PercentRunning | Should -BeLessOrEqual 100
            if ($r.TimeRunning -ge $r.TimeEnabled) { $r.Value | Should -Be $r.RawValue }
            else { $r.Value | Should -BeGreaterOrEqual $r.RawValue }
        }
    }

    It 'gives counts since the previous reading with -Delta' {
        $first = Read-PerfCounter -Id $s.Id | Where-Object Event -EQ 'page-faults'
        $buffer = [byte[]]::new(64MB)
        [Array]::Fill($buffer, [byte]1) # touch every page
        $d = Read-PerfCounter -Id $s.Id -Delta | Where-Object Event -EQ 'page-faults'
        $total = Read-PerfCounter -Id $s.Id | Where-Object Event -EQ 'page-faults'
        $d.Value | Should -BeGreaterThan 1000
        $d.Value | Should -BeLessThan $total.Value
        $total.Value | Should -BeGreaterOrEqual ($first.Value + $d.Value)
    }

    It 'reads per CPU for CPU sessions only' {
        $c = Start-PerfCounterSession -Event cpu-clock -Cpu 0, 1 -ErrorAction Stop
        $per = Read-PerfCounter -Id $c.Id -PerCpu
        $per.Cpu | Should -Be @(0, 1)
        Read-PerfCounter -Id $s.Id -PerCpu -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PerfCounterPerCpuNeedsCpuTarget,*'
    }

    It 'reports unknown sessions' {
        Read-PerfCounter -Id 987654 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PerfCounterSessionNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'shows a perf stat-like table' {
        $text = Read-PerfCounter -Id $s.Id | Out-String -Width 200
        $text | Should -Match '\d msec +task-clock +# [0-9.]+ CPUs utilized'
        $text | Should -Match '[\d,]+ +page-faults +# [0-9.]+ [KMG]?/sec +100\.00%'
    }

    It 'completes session names' {
        $line = 'Read-PerfCounter -Name rea'
        $c = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $c.CompletionMatches.CompletionText | Should -Contain "read$PID"
    }
}

Describe 'Read-PerfCounter -Interval' -Tag Kernel {
    BeforeAll {
        $script:IvWork = New-CountingWorkloads
        $script:IvTracefs = Mount-TestTracefs
    }
    AfterAll {
        Get-PerfCounterSession | Stop-PerfCounterSession -Confirm:$false | Out-Null
        Dismount-TestTracefs $IvTracefs
        Remove-Item -Recurse -Force $IvWork -ErrorAction SilentlyContinue
    }
    AfterEach { Get-PerfCounterSession | Stop-PerfCounterSession -Confirm:$false | Out-Null }

    It 'writes one object per interval with its counts, until the process ends, adding up exactly as perf stat -I does' {
        # The workload waits for a go file, then calls getppid 30000 times over about 0.6 s: both tools attach first.
        $go = "$IvWork/go-$(Get-Random)"
        $out = "$IvWork/perfstat-$(Get-Random).csv"
        $w = Start-Process /bin/sh -ArgumentList '-c', "`"while [ ! -e $go ]; do sleep 0.01; done; exec $IvWork/paced 30000 1000 20`"" -PassThru
        try {
            $s = Start-PerfCounterSession -Event syscalls:sys_enter_getppid, task-clock -ProcessId $w.Id
            $perf = Start-Process perf -ArgumentList 'stat', '-I', '100', '-x,', '-o', $out, '-e', 'syscalls:sys_enter_getppid', '-p', $w.Id -PassThru
            # The go file comes from a shell 0.7 s later, so that perf stat and the interval reading both start first.
            $null = Start-Process /bin/sh -ArgumentList '-c', "`"sleep 0.7; touch $go`"" -PassThru
            $intervals = @(Read-PerfCounter -Id $s.Id -Interval 100ms)   # returns once the process has ended
            $perf.WaitForExit()
            $intervals.Count | Should -BeGreaterOrEqual 5
            $intervals | ForEach-Object { $_ | Should -BeOfType PerfSecurity.CounterInterval; $_.SessionId | Should -Be $s.Id }
            $intervals.Number | Should -Be (1..$intervals.Count)
            for ($i = 1; $i -lt $intervals.Count; $i++) {
                ($intervals[$i].Time - $intervals[$i - 1].Time).TotalMilliseconds | Should -BeGreaterThan 50
                $intervals[$i].Duration.TotalMilliseconds | Should -BeGreaterThan 50
            }
            $ours = ($intervals | ForEach-Object { ($_.Counters | Where-Object Event -EQ 'syscalls:sys_enter_getppid').Value } | Measure-Object -Sum).Sum
            $ours | Should -Be 30000
            @($intervals | Where-Object { ($_.Counters | Where-Object Event -EQ 'syscalls:sys_enter_getppid').Value -gt 0 }).Count | Should -BeGreaterThan 2 -Because 'the calls spread over several intervals'
            $theirs = (Get-Content $out | Where-Object { $_ -match ',syscalls:sys_enter_getppid,' } | ForEach-Object { [double](($_ -split ',')[1]) } | Measure-Object -Sum).Sum
            $theirs | Should -Be 30000
            # A reading of the interval is a delta: its enabled time is the interval's share, not the total.
            ($intervals[-1].Counters | Where-Object Event -EQ 'task-clock').TimeEnabled | Should -BeLessThan ((Read-PerfCounter -Id $s.Id | Where-Object Event -EQ 'task-clock').TimeEnabled)
        }
        finally {
            if (-not $w.HasExited) { $w.Kill(); $w.WaitForExit() }
            Remove-Item $go, $out -ErrorAction SilentlyContinue
        }
    }

    It 'stops after -Count intervals' {
        $s = Start-PerfCounterSession -Event task-clock -ProcessId $PID
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $r = @(Read-PerfCounter -Id $s.Id -Interval 0.1 -Count 3)
        $sw.Stop()
        $r.Count | Should -Be 3
        $sw.Elapsed.TotalMilliseconds | Should -BeGreaterOrEqual 290
        $r[-1].Time.TotalMilliseconds | Should -BeGreaterOrEqual 290
        $r[0].Counters[0].Metric | Should -Match 'CPUs utilized'
    }

    It 'streams intervals down the pipeline and stops on Ctrl+C, leaving the session open' {
        $rs = [runspacefactory]::CreateRunspace()
        $rs.Open()
        try {
            $ps = [powershell]::Create()
            $ps.Runspace = $rs
            $null = $ps.AddScript("Import-Module '$ModuleDir'; `$s = Start-PerfCounterSession -Event task-clock, context-switches -ProcessId `$PID -Name ctrlc; Read-PerfCounter -Id `$s.Id -Interval 50ms")
            $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $handle = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while ($output.Count -lt 3 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            $output.Count | Should -BeGreaterOrEqual 3 -Because 'intervals arrive while the command still runs'
            $handle.IsCompleted | Should -BeFalse
            $ps.Stop()
            $handle.IsCompleted | Should -BeTrue
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $ps.Dispose()
            $after = [powershell]::Create()
            $after.Runspace = $rs
            $null = $after.AddScript('Get-PerfCounterSession -Name ctrlc | ForEach-Object { $_.State; ($_ | Read-PerfCounter | Where-Object Event -EQ task-clock).Counted }')
            $state, $counted = $after.Invoke()
            $after.Dispose()
            "$state" | Should -Be 'Running'
            $counted | Should -BeTrue
        }
        finally { $rs.Dispose() }
    }

    It 'refuses -Count without -Interval, an interval under 10 ms, and -Interval with -Delta' {
        $s = Start-PerfCounterSession -Event task-clock -ProcessId $PID
        { Read-PerfCounter -Id $s.Id -Count 2 -ErrorAction Stop } | Should -Throw -ErrorId 'PerfCounterCountNeedsInterval,*'
        { Read-PerfCounter -Id $s.Id -Interval 5ms -ErrorAction Stop } | Should -Throw -ErrorId 'PerfCounterIntervalTooShort,*'
        { Read-PerfCounter -Id $s.Id -Interval 1s -Delta -ErrorAction Stop } | Should -Throw -ErrorId 'PerfCounterIntervalWithDelta,*'
        { Read-PerfCounter -Id $s.Id -Interval 'soon' -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,*'
    }
}

Describe 'Read-PerfCounter help examples' -Tag Kernel, Slow {
    It 'runs <Title> as written' -ForEach $CountingHelpExamples {
        . "$PSScriptRoot/examples.ps1"
        $r = Invoke-HelpExample $Code ([IO.Path]::GetTempPath())
        $r.ExitCode | Should -Be 0 -Because $r.Output
        @([regex]::Matches($r.Output, '(?m)^ +\d+\.\d{9} .* task-clock ')).Count | Should -Be 5
    }
}

