# Two module instances at once: two pwsh processes configuring the same group and binary, and
# counter sessions in parallel runspaces of one process.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:Tag = Get-Random -Minimum 10000 -Maximum 99999
    $script:Dir = "/tmp/psconc-$Tag"
    $null = New-Item -ItemType Directory $Dir
    & chmod 755 $Dir
    $script:Groups = [System.Collections.Generic.List[string]]::new()
}

AfterAll {
    foreach ($g in $Groups) { & groupdel $g 2>$null }
    Remove-Item -Recurse -Force $Dir -ErrorAction SilentlyContinue
}

Describe 'Concurrent runs' {
    It 'two New-PerfUsersGroup processes on the same group and binary end consistent (3 rounds)' -Tag Slow {
        for ($round = 0; $round -lt 3; $round++) {
            $group = "psconc$Tag$round"; $Groups.Add($group)
            $bin = "$Dir/perf$round"
            Copy-Item /usr/bin/perf $bin
            & chmod 755 $bin
            $go = "$Dir/go$round"
            $procs = foreach ($k in 1, 2) {
                # Both wait for the same file, so that they race from the first step (groupadd).
                $cmd = "Import-Module '$ModuleDir'; while (-not (Test-Path '$go')) { Start-Sleep -Milliseconds 5 }; " +
                       "try { New-PerfUsersGroup -Name '$group' -Path '$bin' -ErrorAction Stop | Out-Null; 'ok' } catch { `$_.FullyQualifiedErrorId + ': ' + `$_.Exception.Message } "
                Start-Process dotnet -ArgumentList @("$PSHOME/pwsh.dll", '-NoProfile', '-NonInteractive', '-Command', $cmd) -PassThru -RedirectStandardOutput "$Dir/out$round-$k"
            }
            Start-Sleep -Seconds 2
            $null = New-Item $go
            foreach ($p in $procs) { $p.WaitForExit() }
            $results = foreach ($k in 1, 2) { (Get-Content -Raw "$Dir/out$round-$k").Trim() }
            Write-Host "round ${round}: $($results -join ' | ')"
            # The group once; the binary root:group 0750 with exactly the capabilities.
            @(Get-Content /etc/group | Where-Object { $_ -like "${group}:*" }) | Should -HaveCount 1
            $gid = (& getent group $group).Split(':')[2]
            (& stat -c '%u:%g %a' $bin) | Should -Be "0:$gid 750"
            (& getcap $bin) | Should -Be "$bin cap_syslog,cap_perfmon=ep"
            # Each run either did the work or reported a clean, named failure.
            foreach ($r in $results) { $r | Should -Match '^(ok|PerfUsersGroup\w+,)' }
            @($results | Where-Object { $_ -eq 'ok' }).Count | Should -BeGreaterThan 0
        }
    }

    It 'counter sessions in parallel runspaces see only their own and close every descriptor (4 runspaces)' -Tag Kernel {
        function Get-PerfFdCount { @(Get-ChildItem "/proc/$PID/fd" -ErrorAction SilentlyContinue | Where-Object { "$($_.LinkTarget)" -eq 'anon_inode:[perf_event]' }).Count }
        $fdsBefore = Get-PerfFdCount
        $module = $ModuleDir
        $results = 1..4 | ForEach-Object -ThrottleLimit 4 -Parallel {
            Import-Module $using:module
            $child = Start-Process sh -ArgumentList '-c', '"while sleep 0.01; do :; done"' -PassThru
            try {
                $s = Start-PerfCounterSession -Event task-clock, context-switches -ProcessId $child.Id -Name "par$_"
                Start-Sleep -Milliseconds 500
                $mine = @(Get-PerfCounterSession)
                $r = Read-PerfCounter -Id $s.Id
                $null = Stop-PerfCounterSession -Id $s.Id -Confirm:$false
                [pscustomobject]@{
                    Index = $_; Sessions = $mine.Name -join ','; Child = $child.Id; Target = $s.Target
                    TaskClock = ($r | Where-Object Event -EQ 'task-clock').Value
                    Switches = ($r | Where-Object Event -EQ 'context-switches').Value
                    Left = @(Get-PerfCounterSession).Count
                }
            }
            finally { Stop-Process -Id $child.Id -ErrorAction SilentlyContinue }
        }
        $results | Should -HaveCount 4
        foreach ($r in $results) {
            $r.Sessions | Should -Be "par$($r.Index)" -Because 'a runspace sees only its own session'
            $r.Target | Should -BeLike "process $($r.Child) *"
            $r.TaskClock | Should -BeGreaterThan 0
            $r.Switches | Should -BeGreaterThan 5 -Because '50 sleeps in 500 ms switch context at least that often'
            $r.Left | Should -Be 0
        }
        Get-PerfFdCount | Should -Be $fdsBefore -Because 'every session closed its descriptors'
    }
}
