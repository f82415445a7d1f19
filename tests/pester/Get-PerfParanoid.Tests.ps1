BeforeAll { . "$PSScriptRoot/common.ps1" }

Describe 'Get-PerfParanoid' {
    It 'reports the runtime level of /proc/sys/kernel/perf_event_paranoid' {
        (Get-PerfParanoid).Level | Should -Be (Get-ParanoidRuntime)
    }

    It 'derives the permissions from the level on this <_> level' -Tag Kernel -ForEach @(-1, 0, 1, 2) {
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

    Context 'the next boot as systemd-sysctl and sysctl --system compute it' {
        # Each case is an image; both tools run over it (tools/sysctl-boot.sh, private namespaces, the real
        # setting untouched) and the kernel's result is compared with the module's prediction for that boot path.
        BeforeDiscovery {
            $p = 'kernel.perf_event_paranoid'
            $bom = [string][char]0xEF + [char]0xBB + [char]0xBF
            $script:BootCases = @(
                @{ Name = 'a glob key'; Files = @{ 'etc/sysctl.d/50-a.conf' = "kernel.perf_event_* = 1`n" } }
                @{ Name = 'a leading slash'; Files = @{ 'etc/sysctl.d/50-a.conf' = "/kernel/perf_event_paranoid = 1`n" } }
                @{ Name = 'a double slash'; Files = @{ 'etc/sysctl.d/50-a.conf' = "kernel//perf_event_paranoid = 1`n" } }
                @{ Name = 'a dot component'; Files = @{ 'etc/sysctl.d/50-a.conf' = "kernel/./perf_event_paranoid = 1`n" } }
                @{ Name = 'a .. component'; Files = @{ 'etc/sysctl.d/50-a.conf' = "kernel/../kernel/perf_event_paranoid = 1`n" } }
                @{ Name = 'a comment ending in a backslash'; Files = @{ 'etc/sysctl.d/50-a.conf' = "# note \`n$p = 1`n" } }
                @{ Name = 'a value continued on the next line'; Files = @{ 'etc/sysctl.d/50-a.conf' = "$p = \`n1`n" } }
                @{ Name = 'the Debian link and the drop-in'; Files = @{ 'etc/sysctl.conf' = "$p = 2`n"; 'etc/sysctl.d/99-sysctl.conf' = '@link:../sysctl.conf'; 'etc/sysctl.d/99-zz-perfsecurity.conf' = "$p = 1`n" } }
                @{ Name = 'sysctl.conf without the link'; Files = @{ 'etc/sysctl.conf' = "$p = 1`n" } }
                @{ Name = 'an exclusion line after an assignment'; Files = @{ 'etc/sysctl.d/50-a.conf' = "$p = 1`n"; 'etc/sysctl.d/60-b.conf' = "-$p`n" } }
                @{ Name = 'an exclusion line and a glob'; Files = @{ 'etc/sysctl.d/50-a.conf' = "kernel.perf_event_* = 1`n-$p`n" } }
                @{ Name = 'a glob then an explicit key'; Files = @{ 'etc/sysctl.d/50-a.conf' = "kernel.perf_event_* = 0`n"; 'etc/sysctl.d/60-b.conf' = "$p = 1`n" } }
                @{ Name = 'an explicit key then a glob'; Files = @{ 'etc/sysctl.d/50-a.conf' = "$p = 1`n"; 'etc/sysctl.d/60-b.conf' = "kernel.perf_event_* = 0`n" } }
                @{ Name = 'a glob after a double-slash key'; Files = @{ 'etc/sysctl.d/50-a.conf' = "kernel//perf_event_paranoid = 1`nkernel.perf_event_* = 0`n" } }
                @{ Name = 'a hidden file'; Files = @{ 'etc/sysctl.d/.x.conf' = "$p = 0`n" } }
                @{ Name = 'a directory named like a file'; Files = @{ 'etc/sysctl.d/10-a.conf' = "$p = 1`n"; 'etc/sysctl.d/80-d.conf' = '@dir'; 'usr/lib/sysctl.d/80-d.conf' = "$p = 0`n" } }
                @{ Name = 'a mask (link to /dev/null)'; Files = @{ 'usr/lib/sysctl.d/50-a.conf' = "$p = 1`n"; 'etc/sysctl.d/50-a.conf' = '@link:/dev/null' } }
                @{ Name = 'a UTF-8 byte order mark'; Files = @{ 'etc/sysctl.d/50-a.conf' = "$bom$p = 1`n" } }
                @{ Name = 'a byte order mark before a comment'; Files = @{ 'etc/sysctl.d/50-a.conf' = "$bom# c`n$p = 1`n" } }
                @{ Name = '/lib/sysctl.d'; Files = @{ 'lib/sysctl.d/50-a.conf' = "$p = 1`n" } }
                @{ Name = '/run and /usr/local/lib'; Files = @{ 'run/sysctl.d/50-a.conf' = "$p = 0`n"; 'usr/local/lib/sysctl.d/60-b.conf' = "$p = 1`n" } }
                @{ Name = 'the order of names across directories'; Files = @{ 'usr/lib/sysctl.d/90-z.conf' = "$p = 1`n"; 'etc/sysctl.d/20-a.conf' = "$p = 0`n" } }
                @{ Name = '/etc hiding /run hiding /usr/lib'; Files = @{ 'usr/lib/sysctl.d/50-p.conf' = "$p = 1`n"; 'run/sysctl.d/50-p.conf' = "$p = 0`n"; 'etc/sysctl.d/50-p.conf' = "$p = -1`n" } }
                @{ Name = 'a refused value after an accepted one'; Files = @{ 'etc/sysctl.d/50-a.conf' = "$p = 1`n$p = abc`n" } }
                @{ Name = 'the same value twice around another'; Files = @{ 'etc/sysctl.d/50-a.conf' = "$p = 1`nkernel.perf_event_* = 0`n$p = 1`n" } }
                @{ Name = 'CRLF line ends'; Files = @{ 'etc/sysctl.d/50-a.conf' = "# c`r`n$p = 1`r`n" } }
                @{ Name = 'CR line ends'; Files = @{ 'etc/sysctl.d/50-a.conf' = "# c`r$p = 1`r" } }
                @{ Name = 'a NUL byte'; Files = @{ 'etc/sysctl.d/50-a.conf' = "# c`0$p = 1`n$p = 0`0 1`n" } }
                @{ Name = 'a dash before spaces'; Files = @{ 'etc/sysctl.d/50-a.conf' = "- $p = 1`n" } }
                @{ Name = 'no spaces, no final newline'; Files = @{ 'etc/sysctl.d/50-a.conf' = "$p=0" } }
                @{ Name = 'a line without = or dash'; Files = @{ 'etc/sysctl.d/50-a.conf' = "$p = 1`n$p`n" } }
                @{ Name = 'a FIFO'; Files = @{ 'etc/sysctl.d/10-a.conf' = "$p = 1`n"; 'etc/sysctl.d/x.conf' = '@fifo' } }
            ) + (@('1 # inline', '0x1', '0X1f', '1 2', '010', '08', '+1', '-1', '-0', ' 7 ', '2147483647', '2147483648', '-2147483648', '-2147483649',
                  '0000000000000000000001', '000000000000000000001', '1,2', '1x', '-', '', "1`t2", '0x') | ForEach-Object {
                @{ Name = "the value '$($_ -replace "`t", '\t')'"; Files = @{ 'etc/sysctl.d/50-a.conf' = "$p = $_`n" } }
            })
        }

        BeforeAll {
            $script:Harness = "$PSScriptRoot/tools/sysctl-boot.sh"
            $script:Sentinel = 4242
            $script:MissingTool = @('/usr/lib/systemd/systemd-sysctl', '/usr/sbin/sysctl', '/usr/bin/unshare') | Where-Object { -not (Test-Path $_) }
        }

        It 'agrees with both tools: <Name>' -Tag Slow -ForEach $BootCases {
            if ($MissingTool) { Set-ItResult -Skipped -Because "missing $MissingTool"; return }
            $image = Join-Path ([IO.Path]::GetTempPath()) ("psboot" + [guid]::NewGuid().ToString('N'))
            try {
                foreach ($entry in $Files.GetEnumerator()) {
                    $path = Join-Path $image $entry.Key
                    $null = New-Item -ItemType Directory -Force (Split-Path $path)
                    switch -Regex ($entry.Value) {
                        '^@link:(.*)$' { $null = New-Item -ItemType SymbolicLink -Path $path -Target $Matches[1] }
                        '^@dir$' { $null = New-Item -ItemType Directory $path }
                        '^@fifo$' { & mkfifo $path }
                        default { [IO.File]::WriteAllBytes($path, [Text.Encoding]::Latin1.GetBytes($entry.Value)) }
                    }
                }
                foreach ($tool in 'systemd', 'procps') {
                    $out = @(& sh $Harness $image $tool $Sentinel 3 2>$null)
                    $kept = [int]$out[-1]
                    $expected = if ($kept -eq $Sentinel) { $null } else { $kept }
                    $bootPath = if ($tool -eq 'systemd') { 'Systemd' } else { 'Procps' }
                    $s = Get-PerfParanoid -Root $image -BootPath $bootPath
                    $s.BootPath | Should -Be $bootPath
                    $s.PersistedLevel | Should -Be $expected -Because "$tool left $kept ($Sentinel = nothing written) for $Name"
                }
            }
            finally { Remove-Item -Recurse -Force $image }
        }

        It 'does not wait on a FIFO and says why nothing is applied' {
            $image = Join-Path ([IO.Path]::GetTempPath()) ("psboot" + [guid]::NewGuid().ToString('N'))
            try {
                $null = New-Item -ItemType Directory "$image/etc/sysctl.d"
                Set-Content "$image/etc/sysctl.d/10-a.conf" 'kernel.perf_event_paranoid = 1'
                & mkfifo "$image/etc/sysctl.d/x.conf"
                $watch = [Diagnostics.Stopwatch]::StartNew()
                $s = Get-PerfParanoid -Root $image -BootPath Systemd
                $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
                $s.PersistedLevel | Should -BeNullOrEmpty
                $s.ConfigurationProblems -join ' ' | Should -Match 'x.conf is a FIFO'
            }
            finally { Remove-Item -Recurse -Force $image }
        }

        It 'follows the image''s own init: systemd with systemd-sysctl.service, else procps' {
            $image = Join-Path ([IO.Path]::GetTempPath()) ("psboot" + [guid]::NewGuid().ToString('N'))
            try {
                $null = New-Item -ItemType Directory "$image/etc/sysctl.d", "$image/usr/lib/systemd/system", "$image/usr/sbin"
                Set-Content "$image/etc/sysctl.d/50-a.conf" '-kernel.perf_event_paranoid'
                Set-Content "$image/etc/sysctl.conf" 'kernel.perf_event_paranoid = 1'
                (Get-PerfParanoid -Root $image).BootPath | Should -Be 'Procps'
                $null = New-Item -ItemType SymbolicLink -Path "$image/usr/sbin/init" -Target ../lib/systemd/systemd
                $null = New-Item -ItemType SymbolicLink -Path "$image/sbin" -Target usr/sbin
                (Get-PerfParanoid -Root $image).BootPathReason | Should -Match 'no systemd-sysctl.service'
                Set-Content "$image/usr/lib/systemd/system/systemd-sysctl.service" '[Unit]'
                $s = Get-PerfParanoid -Root $image
                $s.BootPath | Should -Be 'Systemd'
                $s.PersistedLevel | Should -BeNullOrEmpty
                $null = New-Item -ItemType Directory "$image/etc/systemd/system"
                $null = New-Item -ItemType SymbolicLink -Path "$image/etc/systemd/system/systemd-sysctl.service" -Target /dev/null
                $s = Get-PerfParanoid -Root $image
                $s.BootPath | Should -Be 'Procps'
                $s.BootPathReason | Should -Match 'masked'
                $s.PersistedLevel | Should -Be 1
            }
            finally { Remove-Item -Recurse -Force $image }
        }

        It 'reports the boot path of this host: systemd only when it is PID 1' {
            $pid1 = (Get-Content /proc/1/comm).Trim()
            $unit = @('/etc/systemd/system', '/run/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system') |
                ForEach-Object { "$_/systemd-sysctl.service" } | Where-Object { Test-Path $_ } | Select-Object -First 1
            $s = Get-PerfParanoid
            $s.BootPath | Should -Be $(if ($pid1 -eq 'systemd' -and $unit) { 'Systemd' } else { 'Procps' })
            $s.BootPathReason | Should -Match ([regex]::Escape("PID 1 is"))
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

    It 'works for an unprivileged user' -Tag Unprivileged {
        $user = New-TestUser
        try {
            $r = Invoke-AsUser $user { (Get-PerfParanoid).Level }
            $r.ErrorId | Should -BeNullOrEmpty
            $r.Output | Should -Be (Get-ParanoidRuntime)
        }
        finally { Remove-TestUser $user }
    }
}
