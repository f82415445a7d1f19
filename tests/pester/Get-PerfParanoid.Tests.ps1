BeforeAll { . "$PSScriptRoot/common.ps1" }

Describe 'Get-PerfParanoid' {
    It 'reports the runtime level of /proc/sys/kernel/perf_event_paranoid' {
        (Get-PerfParanoid).Level | Should -Be (Get-ParanoidRuntime)
    }

    It 'derives the permissions from the level on this <_> level' -ForEach @(-1, 0, 1, 2) {
        $level = $_
        Use-ParanoidLevel $level {
            $s = Get-PerfParanoid
            $s.Level | Should -Be $level
            $s.UserProfiling | Should -BeTrue
            $s.KernelProfiling | Should -Be ($level -le 1)
            $s.CpuWide | Should -Be ($level -le 0)
            $s.RawTracepoints | Should -Be ($level -le -1)
            $s.MlockLimitEnforced | Should -Be ($level -gt -1)
        }
    }

    Context 'persisted configuration in an image (-Root)' {
        BeforeEach {
            $image = Join-Path ([IO.Path]::GetTempPath()) ("psimg" + [guid]::NewGuid().ToString('N'))
            $null = New-Item -ItemType Directory "$image/etc/sysctl.d", "$image/usr/lib/sysctl.d", "$image/run/sysctl.d"
        }
        AfterEach { Remove-Item -Recurse -Force $image }

        It 'reports no persisted level when no file sets it' {
            $s = Get-PerfParanoid -Root $image
            $s.PersistedLevel | Should -BeNullOrEmpty
            $s.PersistedIn | Should -BeNullOrEmpty
            $s.NextBootLevel | Should -Be 2
        }

        It 'takes the lexically last file, whatever its directory' {
            Set-Content "$image/usr/lib/sysctl.d/50-default.conf" "kernel.perf_event_paranoid = 1"
            Set-Content "$image/etc/sysctl.d/10-hardening.conf" "kernel.perf_event_paranoid=3"
            $s = Get-PerfParanoid -Root $image
            $s.PersistedLevel | Should -Be 1
            $s.PersistedIn | Should -Be "$image/usr/lib/sysctl.d/50-default.conf"
            $s.AlsoSetIn | Should -HaveCount 2
        }

        It 'lets a file in /etc mask the same name in /usr/lib, and /etc/sysctl.conf come last' {
            Set-Content "$image/usr/lib/sysctl.d/50-perf.conf" "kernel.perf_event_paranoid = 1"
            Set-Content "$image/etc/sysctl.d/50-perf.conf" "# masked`nkernel/perf_event_paranoid = 0"
            (Get-PerfParanoid -Root $image).PersistedLevel | Should -Be 0
            Set-Content "$image/etc/sysctl.conf" "kernel.perf_event_paranoid = -1"
            $s = Get-PerfParanoid -Root $image
            $s.PersistedLevel | Should -Be -1
            $s.PersistedIn | Should -Be "$image/etc/sysctl.conf"
        }

        It 'says whether the next boot keeps the runtime level' {
            Set-Content "$image/etc/sysctl.d/60-perf.conf" "kernel.perf_event_paranoid = $((Get-ParanoidRuntime) + 1)"
            (Get-PerfParanoid -Root $image).InSync | Should -BeFalse
            Set-Content "$image/etc/sysctl.d/60-perf.conf" "kernel.perf_event_paranoid = $(Get-ParanoidRuntime)"
            (Get-PerfParanoid -Root $image).InSync | Should -BeTrue
        }
    }

    It 'fails with PerfRootNotFound for a missing root' {
        { Get-PerfParanoid -Root /nonexistent/image -ErrorAction Stop } | Should -Throw -ErrorId 'PerfRootNotFound,PerfSecurity.Commands.GetPerfParanoidCommand'
    }

    It 'shows a one-row table of property names with the level''s meaning, and a table view for Format-Table' {
        $p = Get-PerfParanoid
        $lines = $p | Out-String -Stream -Width 100 | Where-Object { $_ }
        $lines[0] | Should -Match '^Level\s+NextBootLevel\s+InSync\s+KernelFlavor\s+PersistedIn$'
        $lines[2] | Should -Match "^\s*$($p.Level)\s+$($p.NextBootLevel)\s+$($p.InSync)\s+$($p.KernelFlavor)\s+"
        # The meaning follows the row, wrapped at words within 80 columns.
        $meaning = @($lines[3..($lines.Count - 1)] | Where-Object { $_.Trim() })
        $meaning | Where-Object { $_.Length -gt 80 } | Should -BeNullOrEmpty
        $meaning -join ' ' | Should -Be $p.Description
        foreach ($name in $lines[0] -split '\s+') { $p.PSObject.Properties.Name | Should -Contain $name }
        ($p | Format-Table -View PerfSecurity.ParanoidSetting | Out-String -Width 200) | Should -Match 'Level\s+NextBootLevel\s+InSync\s+KernelFlavor\s+PersistedIn\s+Description'
        ($p | Format-List Level, InSync | Out-String) | Should -Match 'Level\s+: \d+\s+InSync\s+: (True|False)'
    }

    It 'works for an unprivileged user' {
        $user = New-TestUser
        try {
            $r = Invoke-AsUser $user { (Get-PerfParanoid).Level }
            $r.ErrorId | Should -BeNullOrEmpty
            $r.Output | Should -Be (Get-ParanoidRuntime)
        }
        finally { Remove-TestUser $user }
    }
}
