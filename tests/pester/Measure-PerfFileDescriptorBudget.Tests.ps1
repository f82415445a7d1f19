BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:User = New-TestUser -Prefix 'psfd'
    $script:LimitsFile = "/etc/security/limits.d/zz-$User.conf"
    $null = New-Item -ItemType Directory -Force /etc/security/limits.d
    Set-Content $LimitsFile "$User  soft  nofile  256`n$User  hard  nofile  4096"
}

AfterAll {
    Remove-Item $LimitsFile -ErrorAction SilentlyContinue
    Remove-TestUser $User
}

Describe 'Measure-PerfFileDescriptorBudget' {
    It 'needs events × online CPUs system-wide and counts the descriptors already open' {
        $b = Measure-PerfFileDescriptorBudget -EventCount 10
        $b.Required | Should -Be (10 * [Environment]::ProcessorCount)
        $b.CpuCount | Should -Be ([Environment]::ProcessorCount)
        $open = @(Get-ChildItem "/proc/$PID/fd").Count
        $b.InUse | Should -BeGreaterOrEqual ($open - 5)
        $b.InUse | Should -BeLessOrEqual ($open + 5)
        $b.SoftLimit | Should -Be ([long](((Get-Content "/proc/$PID/limits") -match '^Max open files' -split '\s+')[3]))
    }

    It 'needs events × threads per-thread, and events × CPUs × threads with both' {
        (Measure-PerfFileDescriptorBudget -EventCount 4 -ThreadCount 50).Required | Should -Be 200
        (Measure-PerfFileDescriptorBudget -EventCount 4 -ThreadCount 50 -CpuCount 8).Required | Should -Be 1600
    }

    It 'reads a user''s soft and hard limits from limits.d and gives the fix when they fall short' {
        $b = Measure-PerfFileDescriptorBudget -UserName $User -EventCount 40 -CpuCount 8
        $b.SoftLimit | Should -Be 256
        $b.HardLimit | Should -Be 4096
        $b.LimitSource | Should -Be "${LimitsFile}:1"
        $b.Required | Should -Be 320
        $b.Sufficient | Should -BeFalse
        $b.SufficientAfterRaise | Should -BeTrue
        $b.UlimitCommand | Should -Be "ulimit -n $($b.RecommendedLimit)"
        $b.LimitsConfLine | Should -Match "^@perf_users\s+soft\s+nofile\s+$($b.RecommendedLimit)$"
        (Measure-PerfFileDescriptorBudget -UserName $User -EventCount 1 -CpuCount 1).Sufficient | Should -BeTrue
    }

    It 'says the hard limit must rise when even it is too low' {
        $b = Measure-PerfFileDescriptorBudget -UserName $User -EventCount 1000 -CpuCount 8
        $b.SufficientAfterRaise | Should -BeFalse
        $b.LimitsConfLine | Should -Match '^@perf_users\s+-\s+nofile'
    }

    It 'agrees with the kernel as an unprivileged user: the events open at RecommendedLimit and fail with EMFILE one below' {
        # In the user's own pwsh: open the events once (so lazily opened files are open), measure, then
        # lower the process's own soft limit with prlimit and try again.
        $probe = {
            $events = 'task-clock', 'cpu-clock', 'page-faults', 'context-switches', 'cpu-migrations', 'minor-faults', 'major-faults', 'alignment-faults'
            Start-PerfCounterSession -SystemWide -Event $events | Stop-PerfCounterSession | Out-Null
            $b = Measure-PerfFileDescriptorBudget -EventCount $events.Count -ProcessId $PID
            "required=$($b.Required) recommended=$($b.RecommendedLimit)"
            foreach ($limit in $b.RecommendedLimit, ($b.RecommendedLimit - 1)) {
                & prlimit --pid $PID --nofile="${limit}:"
                try { Start-PerfCounterSession -SystemWide -Event $events -ErrorAction Stop | Stop-PerfCounterSession | Out-Null; "$limit ok" }
                catch { "$limit $($_.FullyQualifiedErrorId.Split(',')[0])" }
                & prlimit --pid $PID --nofile="$($b.SoftLimit):"
            }
        }
        $r = Use-ParanoidLevel 0 { Invoke-AsUser $User $probe }
        $r.ErrorId | Should -BeNullOrEmpty -Because $r.Message
        $lines = @($r.Output)
        $lines[0] -match "^required=$(8 * [Environment]::ProcessorCount) recommended=(\d+)$" | Should -BeTrue -Because $lines[0]
        $recommended = [int]$Matches[1]
        $lines[1] | Should -Be "$recommended ok"
        $lines[2] | Should -Be "$($recommended - 1) PerfCounterTooManyFiles"
    }

    It 'rejects an unknown process with ObjectNotFound' {
        $err = $null
        Measure-PerfFileDescriptorBudget -EventCount 1 -ProcessId 999999999 -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'has a default view' {
        Measure-PerfFileDescriptorBudget -EventCount 3 | Out-String | Should -Match 'Required\s+InUse\s+SoftLimit'
    }
}
