BeforeAll { . "$PSScriptRoot/counting.ps1" }

Describe 'Stop-PerfCounterSession' -Tag Kernel {
    AfterEach { Get-PerfCounterSession | Stop-PerfCounterSession -Confirm:$false | Out-Null }

    It 'returns the final readings and closes every perf descriptor' {
        $before = Get-PerfFdCount
        $s = Start-PerfCounterSession -Event task-clock, context-switches -ProcessId $PID
        Get-PerfFdCount | Should -BeGreaterThan $before
        $final = $s | Stop-PerfCounterSession
        $final.Event | Should -Be @('task-clock', 'context-switches')
        $final | ForEach-Object { $_.SessionId | Should -Be $s.Id }
        Get-PerfFdCount | Should -Be $before
        $s.State | Should -Be 'Stopped'
        Get-PerfCounterSession -Id $s.Id -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'changes nothing with -WhatIf' {
        $s = Start-PerfCounterSession -Event task-clock -ProcessId $PID -Name whatif
        Stop-PerfCounterSession -Name whatif -WhatIf | Should -BeNullOrEmpty
        $s.State | Should -Be 'Running'
        (Get-PerfCounterSession -Name whatif).Id | Should -Be $s.Id
    }

    It 'stops by id and by wildcard name' {
        $a = Start-PerfCounterSession -Event task-clock -ProcessId $PID -Name stop-a
        $b = Start-PerfCounterSession -Event task-clock -ProcessId $PID -Name stop-b
        $null = Stop-PerfCounterSession -Id $a.Id
        $a.State | Should -Be 'Stopped'
        $null = Stop-PerfCounterSession -Name 'stop-*'
        $b.State | Should -Be 'Stopped'
    }

    It 'needs to be told which sessions, and reports unknown ones' {
        { Stop-PerfCounterSession -ErrorAction Stop } | Should -Throw -ErrorId 'PerfCounterSessionNotSpecified,*'
        Stop-PerfCounterSession -Id 424242 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PerfCounterSessionNotFound,*'
    }

    It 'closes the sessions of a runspace when it closes' {
        $before = Get-PerfFdCount
        $iss = [initialsessionstate]::CreateDefault2()
        $iss.ImportPSModule("$ModuleDir/PerfSecurity.psd1")
        $rs = [runspacefactory]::CreateRunspace($iss)
        $rs.Open()
        $ps = [powershell]::Create($rs)
        $null = $ps.AddScript("Start-PerfCounterSession -Event task-clock,page-faults -ProcessId $PID").Invoke()
        $ps.Streams.Error | Should -BeNullOrEmpty
        Get-PerfFdCount | Should -BeGreaterThan $before
        @(Get-PerfCounterSession).Count | Should -Be 0 -Because 'sessions belong to the runspace that started them'
        $ps.Dispose()
        $rs.Dispose()
        Get-PerfFdCount | Should -Be $before
    }

    It 'closes the sessions when the module is removed' {
        $script = @"
Import-Module '$ModuleDir'
function Count { @(Get-ChildItem /proc/`$PID/fd | Where-Object LinkTarget -EQ 'anon_inode:[perf_event]').Count }
`$null = Start-PerfCounterSession -Event task-clock,context-switches -ProcessId `$PID
Count
Remove-Module PerfSecurity
Count
"@
        $out = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $script
        [int]$out[0] | Should -BeGreaterThan 0
        [int]$out[1] | Should -Be 0
    }
}
