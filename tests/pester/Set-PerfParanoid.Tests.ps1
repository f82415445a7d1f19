BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:Saved = Save-ParanoidState
    $script:OriginalLevel = $Saved.Level
}

AfterAll { Restore-ParanoidState $Saved }

Describe 'Set-PerfParanoid' -Tag Kernel {
    AfterEach { Set-ParanoidRuntime $OriginalLevel }

    It 'changes the runtime level' {
        $target = if ($OriginalLevel -eq 1) { 2 } else { 1 }
        Set-PerfParanoid -Level $target
        Get-ParanoidRuntime | Should -Be $target
    }

    It 'changes nothing with -WhatIf' {
        $target = if ($OriginalLevel -eq 0) { 1 } else { 0 }
        Remove-Item $DropIn -ErrorAction SilentlyContinue
        Set-PerfParanoid -Level $target -Persist -WhatIf
        Get-ParanoidRuntime | Should -Be $OriginalLevel
        Test-Path $DropIn | Should -BeFalse
    }

    It 'never prompts with -WhatIf, not even for level -1' {
        # A non-interactive pwsh fails any prompt, so a ShouldContinue before ShouldProcess would show as an error.
        $before = Get-SystemFingerprint
        $out = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command "Import-Module '$ModuleDir'; Set-PerfParanoid -Level -1 -Persist -WhatIf; if (-not `$?) { exit 3 }" 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out | Out-String)
        ($out | Out-String) | Should -Match 'What if: .*kernel\.perf_event_paranoid to -1'
        Get-SystemFingerprint | Should -Be $before
    }

    It 'returns the new state with -PassThru' {
        $s = Set-PerfParanoid -Level 1 -PassThru
        $s.GetType().FullName | Should -Be 'PerfSecurity.ParanoidSetting'
        $s.Level | Should -Be 1
        $s.KernelProfiling | Should -BeTrue
    }

    It 'takes the level from the pipeline by property name' {
        [pscustomobject]@{ Level = 0 } | Set-PerfParanoid
        Get-ParanoidRuntime | Should -Be 0
    }

    It 'refuses levels outside -1..4 with InvalidArgument and changes nothing' -ForEach @(-2, 5, 100) {
        $bad = $_
        { Set-PerfParanoid -Level $bad -ErrorAction Stop } | Should -Throw -ErrorId 'PerfParanoidLevelOutOfRange,PerfSecurity.Commands.SetPerfParanoidCommand'
        $err = try { Set-PerfParanoid -Level $bad; $null } catch { $_ }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be $bad
        Get-ParanoidRuntime | Should -Be $OriginalLevel
    }

    It 'sets -1 only with -Force in a non-interactive session' {
        Set-PerfParanoid -Level -1 -Force
        Get-ParanoidRuntime | Should -Be -1
    }

    Context '-Persist' {
        It 'writes a drop-in that sysctl -p applies to the same value, and reports it as persisted' {
            Set-PerfParanoid -Level 1 -Persist
            Test-Path $DropIn | Should -BeTrue
            (& stat -c '%a %U %G' $DropIn) | Should -Be '644 root root'
            Set-ParanoidRuntime 2
            & sysctl -q -p $DropIn
            Get-ParanoidRuntime | Should -Be 1
            $s = Get-PerfParanoid
            $s.PersistedLevel | Should -Be 1
            $s.PersistedIn | Should -Be $DropIn
            $s.InSync | Should -BeTrue
        }

        It 'writes -1 to the kernel and to the drop-in as they read it (ASCII), whatever the culture' {
            # sv-SE and fi-FI format -1 with U+2212 MINUS SIGN: Culture.Tests.ps1 runs this file under both.
            Set-PerfParanoid -Level -1 -Force -Persist
            [IO.File]::ReadAllText('/proc/sys/kernel/perf_event_paranoid') | Should -BeExactly "-1`n"
            [IO.File]::ReadAllLines($DropIn) | Should -Contain 'kernel.perf_event_paranoid = -1'
            (Get-PerfParanoid).PersistedLevel | Should -Be -1
        }

        It 'is idempotent: a second run leaves the file untouched' {
            Set-PerfParanoid -Level 2 -Persist
            $before = (Get-Item $DropIn).LastWriteTimeUtc
            $inode = (& stat -c %i $DropIn)
            Start-Sleep -Milliseconds 20
            Set-PerfParanoid -Level 2 -Persist -Verbose 4>&1 | Out-String | Should -Match 'nothing to change'
            (Get-Item $DropIn).LastWriteTimeUtc | Should -Be $before
            (& stat -c %i $DropIn) | Should -Be $inode
        }

        It 'wins at the next boot as the boot path this host uses computes it' {
            if (-not (Test-Path /usr/sbin/sysctl) -or -not (Test-Path /usr/lib/systemd/systemd-sysctl)) { Set-ItResult -Skipped -Because 'procps sysctl and systemd-sysctl are needed'; return }
            $target = if ($OriginalLevel -eq 1) { 0 } else { 1 }
            $warnings = Set-PerfParanoid -Level $target -Persist 3>&1
            $warnings | Should -BeNullOrEmpty
            $s = Get-PerfParanoid
            $s.PersistedIn | Should -Be $DropIn
            # The host's own tool over this system's configuration (private namespaces: no real setting changes).
            $tool = if ($s.BootPath -eq 'Systemd') { 'systemd' } else { 'procps' }
            @(& sh "$PSScriptRoot/tools/sysctl-boot.sh" / $tool 4242 2>$null)[-1] | Should -Be "$target"
        }

        It 'warns when the drop-in would not decide the next boot under the other boot path' {
            if (-not (Test-Path /usr/sbin/sysctl) -or -not (Test-Path /usr/lib/systemd/systemd-sysctl)) { Set-ItResult -Skipped -Because 'procps sysctl and systemd-sysctl are needed'; return }
            $later = '/etc/sysctl.d/zzzz-perfsecurity-test.conf'
            $hostPath = (Get-PerfParanoid).BootPath
            $other = if ($hostPath -eq 'Systemd') { 'Procps' } else { 'Systemd' }
            try {
                # A value the kernel refuses: systemd-sysctl keeps only this last line for the key and writes nothing;
                # sysctl --system writes the drop-in's value, then fails on this one.
                [IO.File]::WriteAllText($later, "kernel.perf_event_paranoid = +1`n")
                $target = if ($OriginalLevel -eq 1) { 0 } else { 1 }
                $warnings = (Set-PerfParanoid -Level $target -Persist 3>&1 | Out-String)
                $hostTool = if ($hostPath -eq 'Systemd') { 'systemd' } else { 'procps' }
                $otherTool = if ($hostPath -eq 'Systemd') { 'procps' } else { 'systemd' }
                $onHost = @(& sh "$PSScriptRoot/tools/sysctl-boot.sh" / $hostTool 4242 2>$null)[-1]
                $onOther = @(& sh "$PSScriptRoot/tools/sysctl-boot.sh" / $otherTool 4242 2>$null)[-1]
                if ($onHost -eq "$target") {
                    $warnings | Should -Not -Match 'which this host uses'
                    (Get-PerfParanoid).PersistedLevel | Should -Be $target
                }
                else {
                    $warnings | Should -Match 'which this host uses'
                }
                $onOther | Should -Not -Be "$target"
                $warnings | Should -Match ([regex]::Escape("under $(if ($other -eq 'Systemd') { 'systemd-sysctl' } else { 'sysctl --system' })"))
                (Get-PerfParanoid -BootPath $other).PersistedLevel | Should -Be $(if ($onOther -eq '4242') { $null } else { [int]$onOther })
            }
            finally { Remove-Item $later -ErrorAction SilentlyContinue }
        }

        It 'warns about /etc/sysctl.conf, which sysctl --system applies after every drop-in' {
            $saved = [IO.File]::ReadAllBytes('/etc/sysctl.conf')
            try {
                [IO.File]::AppendAllText('/etc/sysctl.conf', "`nkernel.perf_event_paranoid = 2`n")
                $target = if ($OriginalLevel -eq 1) { 0 } else { 1 }
                $warnings = (Set-PerfParanoid -Level $target -Persist 3>&1 | Out-String)
                $warnings | Should -Match ([regex]::Escape('/etc/sysctl.conf line'))
                (Get-PerfParanoid -BootPath Procps).PersistedIn | Should -Be '/etc/sysctl.conf'
                # systemd-sysctl reads sysctl.conf only through 99-sysctl.conf, which sorts before the drop-in.
                (Get-PerfParanoid -BootPath Systemd).PersistedIn | Should -Be $DropIn
            }
            finally { [IO.File]::WriteAllBytes('/etc/sysctl.conf', $saved) }
        }

        It 'warns, and reports InSync false, when a later file overrides the drop-in' {
            $later = '/etc/sysctl.d/zzzz-perfsecurity-test.conf'
            try {
                Set-Content $later 'kernel.perf_event_paranoid = 0'
                $warnings = Set-PerfParanoid -Level 2 -Persist 3>&1
                ($warnings | Out-String) | Should -Match ([regex]::Escape($later))
                $s = Get-PerfParanoid
                $s.PersistedIn | Should -Be $later
                $s.PersistedLevel | Should -Be 0
                $s.InSync | Should -BeFalse
            }
            finally { Remove-Item $later -ErrorAction SilentlyContinue }
        }
    }

    It 'offers the levels as completions with their meaning' {
        $c = TabExpansion2 -inputScript 'Set-PerfParanoid -Level ' -cursorColumn 24
        $c.CompletionMatches.CompletionText | Should -Be @('-1', '0', '1', '2', '3', '4')
        $c.CompletionMatches[0].ToolTip | Should -Match 'No restrictions'
    }

    It 'fails with PermissionDenied for an unprivileged user and changes nothing' -Tag Unprivileged {
        $user = New-TestUser
        try {
            $target = if ($OriginalLevel -eq 1) { 0 } else { 1 }
            $r = Invoke-AsUser $user { param($l) Set-PerfParanoid -Level $l -Persist } -ArgumentList $target
            $r.Category | Should -Be 'PermissionDenied'
            $r.ErrorId | Should -Be 'PerfSysctlWriteDenied,PerfSecurity.Commands.SetPerfParanoidCommand'
            Get-ParanoidRuntime | Should -Be $OriginalLevel
        }
        finally { Remove-TestUser $user }
    }
}
