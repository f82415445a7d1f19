BeforeAll { . "$PSScriptRoot/counting.ps1" }

Describe 'Get-PerfCounterSession' -Tag Kernel {
    AfterEach { Get-PerfCounterSession | Stop-PerfCounterSession -Confirm:$false | Out-Null }

    It 'lists the sessions of this runspace by id and by name' {
        $a = Start-PerfCounterSession -Event task-clock -ProcessId $PID -Name list-a
        $b = Start-PerfCounterSession -Event page-faults -ProcessId $PID
        $b.Name | Should -Be "session$($b.Id)"
        (Get-PerfCounterSession).Id | Should -Be @($a.Id, $b.Id)
        (Get-PerfCounterSession -Id $b.Id).Events | Should -Be 'page-faults'
        (Get-PerfCounterSession -Name 'list-*').Id | Should -Be $a.Id
        $a.StartTime | Should -BeLessOrEqual (Get-Date)
    }

    It 'reports unknown ids and names' {
        Get-PerfCounterSession -Id 31337 -ErrorVariable e1 -ErrorAction SilentlyContinue
        $e1[0].FullyQualifiedErrorId | Should -BeLike 'PerfCounterSessionNotFound,*'
        Get-PerfCounterSession -Name nothing-here -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'PerfCounterSessionNotFound,*'
        Get-PerfCounterSession -Name 'nothing*' | Should -BeNullOrEmpty
    }

    It 'completes session ids' {
        $s = Start-PerfCounterSession -Event task-clock -ProcessId $PID -Name complete-me
        $line = 'Get-PerfCounterSession -Id '
        $c = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        ($c.CompletionMatches | Where-Object CompletionText -EQ "$($s.Id)").ToolTip | Should -Match 'complete-me'
    }
}
