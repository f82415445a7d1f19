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

    It 'says which events this process can open' {
        $r = Get-PerfEvent task-clock, cycles, msr/tsc/ -Supported
        ($r | Where-Object Name -EQ 'task-clock').Supported | Should -BeTrue
        ($r | Where-Object Name -EQ 'cpu-cycles').Supported | Should -BeFalse
        ($r | Where-Object Name -EQ 'msr/tsc/').Supported | Should -BeTrue
        (Get-PerfEvent task-clock).Supported | Should -BeNullOrEmpty
    }

    It 'lists every tracepoint of tracefs with its id' {
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
