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
