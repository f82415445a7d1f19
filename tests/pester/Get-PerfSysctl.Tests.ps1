BeforeAll { . "$PSScriptRoot/common.ps1" }

Describe 'Get-PerfSysctl' {
    It 'lists every kernel.perf_* file of /proc/sys/kernel and kernel.kptr_restrict' {
        $expected = @(Get-ChildItem /proc/sys/kernel -Filter 'perf_*' | ForEach-Object { "kernel.$($_.Name)" }) + 'kernel.kptr_restrict'
        $names = (Get-PerfSysctl).Name
        $names | Sort-Object | Should -Be ($expected | Sort-Object)
    }

    It 'reports the runtime values the kernel has' {
        foreach ($s in Get-PerfSysctl) {
            $s.Value | Should -Be ((Get-Content "/proc/sys/$($s.Name.Replace('.', '/'))").Trim())
            $s.Description | Should -Not -BeNullOrEmpty
        }
    }

    It 'filters by wildcard and by name from the pipeline' {
        (Get-PerfSysctl -Name '*mlock*').Name | Should -Be 'kernel.perf_event_mlock_kb'
        ([pscustomobject]@{ Name = 'kernel.kptr_restrict' } | Get-PerfSysctl).Name | Should -Be 'kernel.kptr_restrict'
    }

    It 'gives PerfSysctlNotFound for an unknown name' {
        $err = $null
        Get-PerfSysctl -Name kernel.no_such_perf -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'PerfSysctlNotFound,PerfSecurity.Commands.GetPerfSysctlCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'reads persisted values and InSync from an image' {
        $image = Join-Path ([IO.Path]::GetTempPath()) ("psimg" + [guid]::NewGuid().ToString('N'))
        try {
            $null = New-Item -ItemType Directory "$image/etc/sysctl.d"
            $current = [int](Get-Content /proc/sys/kernel/perf_event_mlock_kb)
            Set-Content "$image/etc/sysctl.d/70-perf.conf" "kernel.perf_event_mlock_kb = $($current + 4)`n-kernel.kptr_restrict = 2"
            $s = Get-PerfSysctl -Root $image -Name kernel.perf_event_mlock_kb, kernel.kptr_restrict
            $mlock = $s | Where-Object Name -EQ kernel.perf_event_mlock_kb
            $mlock.PersistedValue | Should -Be "$($current + 4)"
            $mlock.PersistedIn | Should -Be "$image/etc/sysctl.d/70-perf.conf"
            $mlock.InSync | Should -BeFalse
            ($s | Where-Object Name -EQ kernel.kptr_restrict).PersistedValue | Should -Be '2'
        }
        finally { Remove-Item -Recurse -Force $image }
    }

    It 'completes sysctl names' {
        $c = TabExpansion2 -inputScript 'Get-PerfSysctl -Name kernel.perf_event_m' -cursorColumn 38
        $c.CompletionMatches.CompletionText | Should -Contain 'kernel.perf_event_mlock_kb'
    }

    It 'has a default table view' {
        Get-PerfSysctl | Out-String | Should -Match 'Name\s+Value\s+InSync\s+PersistedValue'
    }
}
