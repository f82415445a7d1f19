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

    It 'rejects an unknown process with ObjectNotFound' {
        $err = $null
        Measure-PerfFileDescriptorBudget -EventCount 1 -ProcessId 999999999 -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'has a default view' {
        Measure-PerfFileDescriptorBudget -EventCount 3 | Out-String | Should -Match 'Required\s+InUse\s+SoftLimit'
    }
}
