# Every repairable failure, made on the real system, turns into a pass; -WhatIf changes nothing.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:Tag = 'pstrepair{0}' -f (Get-Random -Minimum 10000 -Maximum 99999)
    $script:Dir = "/var/tmp/$Tag"
    $null = New-Item -ItemType Directory $Dir
    $script:DropInBefore = if (Test-Path $DropIn) { [IO.File]::ReadAllText($DropIn) } else { $null }
    $script:KptrBefore = [int](Get-Content /proc/sys/kernel/kptr_restrict)

    function script:Restore-Settings {
        if ($null -eq $DropInBefore) { Remove-Item -Force $DropIn -ErrorAction SilentlyContinue } else { [IO.File]::WriteAllText($DropIn, $DropInBefore) }
        [IO.File]::WriteAllText('/proc/sys/kernel/kptr_restrict', "$KptrBefore`n")
        Get-ChildItem /etc/sysctl.d -Filter "*$Tag*" | Remove-Item -Force
    }

    function script:New-CapableCopy([string] $Name, [string] $Caps, [string] $Mode) {
        $path = Join-Path $Dir $Name
        Copy-Item /bin/true $path
        & chmod $Mode $path
        & setcap $Caps $path
        $path
    }
}

AfterAll {
    Restore-Settings
    Remove-Item -Recurse -Force $Dir -ErrorAction SilentlyContinue
}

Describe 'Repair-PerfSecurityFinding' {
    Context 'kernel settings' -Tag Kernel {
        AfterEach { Restore-Settings }

        It 'turns Kspp PERF-PARANOID-RUNTIME from Fail into Pass and persists the level' {
            Use-ParanoidLevel 2 {
                $f = Invoke-PerfSecurityAudit -Profile Kspp -Id PERF-PARANOID-RUNTIME
                $f.Status | Should -Be 'Fail'
                $f.Remediation | Should -Be 'Set-PerfParanoid -Level 3 -Persist'
                $after = $f | Repair-PerfSecurityFinding -PassThru
                $after.Status | Should -Be 'Pass'
                Get-ParanoidRuntime | Should -Be 3
                (Get-PerfParanoid).PersistedLevel | Should -Be 3
            }
        }

        It 'runs the Remediation the audit prints, as printed: <Profile> <Status> turns into Pass' -ForEach @(
            @{ Profile = 'PerfSecurityGuide'; Status = 'Warning'; Expected = 1 }
            @{ Profile = 'Kspp'; Status = 'Fail'; Expected = 2 }
        ) {
            [IO.File]::WriteAllText('/proc/sys/kernel/kptr_restrict', "0`n")
            Use-ParanoidLevel 2 {
                $f = Invoke-PerfSecurityAudit -Profile $Profile -Id PERF-KPTR-RESTRICT
                $f.Status | Should -Be $Status
                $f.Remediation | Should -BeLike 'Repair-PerfSecurityFinding PERF-KPTR-RESTRICT*'
                Invoke-Expression $f.Remediation
                (Invoke-PerfSecurityAudit -Profile $Profile -Id PERF-KPTR-RESTRICT).Status | Should -Be 'Pass'
                [int](Get-Content /proc/sys/kernel/kptr_restrict) | Should -Be $Expected
                (Get-PerfSysctl kernel.kptr_restrict).PersistedValue | Should -Be "$Expected"
            }
        }

        It 'leaves a warning it cannot repair alone, without an error' {
            $copy = New-CapableCopy 'perf-rootgroup' 'cap_perfmon=ep' '0750'
            $f = Invoke-PerfSecurityAudit -Path $copy -Id PERF-BINARY-GROUP
            $f.Status | Should -Be 'Warning'
            # The file as stored: owner, group, mode and the capability xattr.
            $state = { "$(& stat -c '%U:%G %a' $copy) $(& getfattr --absolute-names -n security.capability -e hex $copy 2>&1)" }
            $before = & $state
            $out = $f | Repair-PerfSecurityFinding -Verbose -ErrorVariable err 4>&1 | Out-String
            $err | Should -BeNullOrEmpty
            $out | Should -Match 'Warning, not repaired automatically'
            & $state | Should -Be $before
        }

        It '-WhatIf changes nothing' {
            Use-ParanoidLevel 2 {
                $f = Invoke-PerfSecurityAudit -Profile Kspp -Id PERF-PARANOID-RUNTIME, PERF-KPTR-RESTRICT
                $f | Where-Object Status -EQ Fail | Should -HaveCount 2
                $before = Get-SystemFingerprint
                $f | Repair-PerfSecurityFinding -WhatIf -Force
                Get-SystemFingerprint | Should -Be $before
                Get-ParanoidRuntime | Should -Be 2
            }
        }

        It 'comments out a conflicting sysctl.d line for SCAP with -Force, keeping the rest of the file' {
            $file = "/etc/sysctl.d/60-$Tag.conf"
            [IO.File]::WriteAllText($file, "# fixture`nkernel.perf_event_paranoid = 1`nkernel.kptr_restrict = $KptrBefore`n")
            (Invoke-PerfSecurityAudit -Profile Scap -Id PERF-PARANOID-PERSISTED).Status | Should -Be 'Fail'
            $after = Invoke-PerfSecurityAudit -Profile Scap -Id PERF-PARANOID-PERSISTED | Repair-PerfSecurityFinding -Force -PassThru
            [IO.File]::ReadAllText($file) | Should -Be "# fixture`n# kernel.perf_event_paranoid = 1`nkernel.kptr_restrict = $KptrBefore`n"
            $others = Get-ParanoidLineOtherThan 2 -Except $DropIn
            if ($others) { Set-ItResult -Skipped -Because "machine: this host's sysctl configuration sets another level: $others" }
            $after.Status | Should -Be 'Pass'
        }

        It 'turns PERF-KPTR-RESTRICT (Kspp) into Pass and never lowers a stricter value' {
            [IO.File]::WriteAllText('/proc/sys/kernel/kptr_restrict', "0`n")
            (Invoke-PerfSecurityAudit -Profile Kspp -Id PERF-KPTR-RESTRICT | Repair-PerfSecurityFinding -PassThru).Status | Should -Be 'Pass'
            [int](Get-Content /proc/sys/kernel/kptr_restrict) | Should -Be 2
            (Invoke-PerfSecurityAudit -Profile Scap -Id PERF-KPTR-RESTRICT | Repair-PerfSecurityFinding -PassThru).Status | Should -Be 'Pass'
            [int](Get-Content /proc/sys/kernel/kptr_restrict) | Should -Be 2
        }

        It 'repairs drift towards the stricter of runtime and next boot' {
            [IO.File]::WriteAllText("/etc/sysctl.d/zz-$Tag.conf", "kernel.perf_event_paranoid = 3`n")
            Use-ParanoidLevel 2 {
                (Invoke-PerfSecurityAudit -Id PERF-PARANOID-DRIFT | Repair-PerfSecurityFinding -PassThru).Status | Should -Be 'Pass'
                Get-ParanoidRuntime | Should -Be 3
            }
        }
    }

    Context 'files' {
        It '<Id> on <Name> (<Caps>, <Mode>) becomes Pass' -ForEach @(
            @{ Id = 'PERF-BINARY-SYS-ADMIN'; Name = 'perf_admin'; Caps = 'cap_sys_admin,cap_syslog=ep'; Mode = '0750'; CapsAfter = 'cap_syslog,cap_perfmon=ep'; ModeAfter = '750' }
            @{ Id = 'PERF-BINARY-OTHERS-EXECUTE'; Name = 'perf_open'; Caps = 'cap_perfmon=ep'; Mode = '0755'; CapsAfter = 'cap_perfmon=ep'; ModeAfter = '750' }
            @{ Id = 'PERF-BINARY-WRITABLE'; Name = 'perf_gw'; Caps = 'cap_perfmon=ep'; Mode = '0770'; CapsAfter = 'cap_perfmon=ep'; ModeAfter = '750' }
        ) {
            $path = New-CapableCopy $Name $Caps $Mode
            $f = Invoke-PerfSecurityAudit -Path $path -Id $Id
            $f.Status | Should -Be 'Fail'
            ($f | Repair-PerfSecurityFinding -PassThru).Status | Should -Be 'Pass'
            (& getcap $path) | Should -Be "$path $CapsAfter"
            & stat -c '%a' $path | Should -Be $ModeAfter
        }

        It 'removes the capabilities the kernel ignores on a script' {
            $script = Join-Path $Dir 'perf-wrapper'
            Set-Content $script "#!/bin/sh`nexec /usr/bin/perf `"`$@`"`n"
            & chmod 0750 $script; & setcap cap_perfmon=ep $script
            $f = Invoke-PerfSecurityAudit -Path $script -Id PERF-BINARY-SCRIPT
            $f.Status | Should -Be 'Fail'
            $f | Repair-PerfSecurityFinding
            & getcap $script | Should -BeNullOrEmpty
        }

        It 'makes a perf.data file unreadable by others, found by property name as well' {
            $data = Join-Path $Dir 'perf.data'
            & perf record -q -e cpu-clock -o $data -- sleep 0.1 2>&1 | Out-Null
            & chmod 0644 $data
            $f = Invoke-PerfSecurityAudit -DataPath $Dir -Id PERF-DATA-READABLE
            $f.Status | Should -Be 'Fail'
            $after = [pscustomobject]@{ Id = $f.Id; Profile = 'PerfSecurityGuide'; Target = $f.Target } | Repair-PerfSecurityFinding -PassThru
            & stat -c '%a' $data | Should -Be '640'
            (Invoke-PerfSecurityAudit -DataPath $Dir -Id PERF-DATA-READABLE).Status | Should -Be 'Pass'
            # -PassThru shows the file's verdict after the repair: the pass of the check judged on that file alone.
            $after.Id | Should -Be 'PERF-DATA-READABLE'
            $after.Status | Should -Be 'Pass'
        }

        It '-WhatIf changes no file' {
            $path = New-CapableCopy 'perf_whatif' 'cap_sys_admin=ep' '0755'
            $before = Get-SystemFingerprint -Path $path
            Invoke-PerfSecurityAudit -Path $path | Repair-PerfSecurityFinding -WhatIf
            Get-SystemFingerprint -Path $path | Should -Be $before
        }
    }

    Context 'forged and swapped findings' -Tag Security {
        # A finding is input: any object with Id, Profile and Target binds. Repair judges the check itself on the file
        # it would change, and acts only on what that check covers.
        BeforeAll {
            function script:Invoke-Forged([string] $Id, [string] $Target) {
                $ev = $null
                [pscustomobject]@{ Id = $Id; Profile = 'PerfSecurityGuide'; Target = $Target } |
                    Repair-PerfSecurityFinding -Confirm:$false -ErrorVariable ev -ErrorAction SilentlyContinue
                $ev
            }
        }

        It 'leaves an unrelated capable binary alone (forged PERF-BINARY-OTHERS-EXECUTE)' {
            $helper = New-CapableCopy 'ptp-helper' 'cap_net_bind_service,cap_net_admin=ep' '0755'
            $before = Get-SystemFingerprint -Path $helper
            $ev = Invoke-Forged 'PERF-BINARY-OTHERS-EXECUTE' $helper
            $ev[0].FullyQualifiedErrorId | Should -BeLike 'PerfAuditTargetNotCovered,*'
            Get-SystemFingerprint -Path $helper | Should -Be $before
            & stat -c '%a' $helper | Should -Be '755'
        }

        It 'leaves a non-perf binary that holds cap_sys_admin alone (forged PERF-BINARY-SYS-ADMIN)' {
            $tool = New-CapableCopy 'backup-tool' 'cap_sys_admin,cap_dac_read_search=ep' '0750'
            $before = & getcap $tool
            $ev = Invoke-Forged 'PERF-BINARY-SYS-ADMIN' $tool
            $ev[0].FullyQualifiedErrorId | Should -BeLike 'PerfAuditTargetNotCovered,*'
            & getcap $tool | Should -Be $before
        }

        It 'repairs nothing inside a directory named as the target' {
            $sub = Join-Path $Dir 'dir-target'
            $null = New-Item -ItemType Directory $sub
            $inside = Join-Path $sub 'perf'
            Copy-Item /bin/true $inside; & chmod 0755 $inside; & setcap cap_perfmon=ep $inside
            $ev = Invoke-Forged 'PERF-BINARY-OTHERS-EXECUTE' $sub
            $ev[0].FullyQualifiedErrorId | Should -BeLike 'PerfAuditTargetNotCovered,*'
            & stat -c '%a' $inside | Should -Be '755'
            $ev = Invoke-Forged 'PERF-DATA-READABLE' $sub
            $ev[0].FullyQualifiedErrorId | Should -BeLike 'PerfAuditTargetNotCovered,*'
        }

        It 'never changes a capable binary on a path a user controls' -Tag Unprivileged {
            $user = New-TestUser 'psrepair'
            $owned = Join-Path $Dir "user-$user"
            try {
                $null = New-Item -ItemType Directory $owned
                & chown "${user}:$user" $owned
                $perf = Join-Path $owned 'perf'
                Copy-Item /bin/true $perf; & chmod 0755 $perf; & setcap cap_perfmon=ep $perf
                $ev = Invoke-Forged 'PERF-BINARY-OTHERS-EXECUTE' $perf
                $ev[0].FullyQualifiedErrorId | Should -BeLike 'PerfAuditUntrustedPath,*'
                & stat -c '%a' $perf | Should -Be '755'
            }
            finally { Remove-TestUser $user }
        }

        It 'chmods only a perf.data file while a user swaps a directory on its path for a link to root files (1000 attempts)' -Tag Unprivileged {
            $user = New-TestUser 'psrepair'
            $race = Join-Path $Dir "race-$user"
            $swapper = Join-Path $Dir 'swap'
            $procs = @()
            try {
                & gcc -O2 -o $swapper "$PSScriptRoot/tools/swap.c"; & chmod 0755 $swapper
                # Root's directory holds a file with the perf.data name that is not a perf.data file.
                $rootDir = Join-Path $Dir "rootdir-$user"
                $null = New-Item -ItemType Directory $rootDir
                $victim = Join-Path $rootDir 'perf.data'
                [IO.File]::WriteAllText($victim, "root's file, readable by all`n"); & chmod 0644 $victim
                # The user's directory: d/perf.data is a real perf.data; link -> root's directory; d and link swap.
                $null = New-Item -ItemType Directory $race
                & chown "${user}:$user" $race
                & runuser -u $user -- mkdir "$race/d"
                & perf record -q -e cpu-clock -o "$Dir/race.data" -- true 2>&1 | Out-Null
                Copy-Item "$Dir/race.data" "$race/d/perf.data"; & chown "${user}:$user" "$race/d/perf.data"; & chmod 0644 "$race/d/perf.data"
                & runuser -u $user -- ln -s $rootDir "$race/link"
                $target = "$race/d/perf.data"
                (Invoke-PerfSecurityAudit -DataPath $target -Id PERF-DATA-READABLE).Status | Should -Be 'Fail'
                # The user keeps their own perf.data readable (they cannot chmod root's file) and swaps the names.
                $procs += Start-AsUser -User $user -Command "while :; do chmod 644 '$race/d/perf.data' '$race/link/perf.data' 2>/dev/null; done"
                $procs += Start-AsUser -User $user -Command "exec '$swapper' x '$race/d' '$race/link'"
                Start-Sleep -Milliseconds 100
                $procs | ForEach-Object { $_.HasExited | Should -BeFalse }
                $refused = 0
                for ($i = 0; $i -lt 1000; $i++) {
                    $ev = Invoke-Forged 'PERF-DATA-READABLE' $target
                    if ($ev) { $refused++ }
                    if ([IO.File]::GetUnixFileMode($victim) -ne [IO.UnixFileMode]'UserRead, UserWrite, GroupRead, OtherRead') { break }
                }
                & stat -c '%a' $victim | Should -Be '644' -Because "root's file must never be changed (attempt $i, $refused refused)"
                $i | Should -Be 1000
            }
            finally {
                foreach ($p in $procs) { & kill -TERM $p.Id 2>$null; $p.WaitForExit(2000) | Out-Null }
                Remove-TestUser $user
            }
        }
    }

    Context 'findings of several profiles, in one call' -Tag Kernel {
        AfterEach { Restore-Settings }

        It 'sets each sysctl once, to the strictest value asked for, and names the profiles behind each step' {
            [IO.File]::WriteAllText('/proc/sys/kernel/kptr_restrict', "0`n")
            Use-ParanoidLevel 2 {
                $findings = @(Invoke-PerfSecurityAudit -Profile Scap, PerfSecurityGuide, Kspp, Lynis -Id PERF-KPTR-RESTRICT)
                ($findings | Where-Object Status -In 'Fail', 'Warning').Count | Should -Be 4 -Because 'every profile rejects kptr_restrict 0'
                # With -Verbose, ShouldProcess reports each step it goes ahead with.
                $out = @($findings | Repair-PerfSecurityFinding -PassThru -Verbose 4>&1)
                $steps = @($out | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -like 'Performing the operation*' } | ForEach-Object Message)
                $steps.Count | Should -Be 2 -Because "one runtime and one next-boot step for the one sysctl:`n$($steps -join "`n")"
                $steps[0] | Should -BeLike '*Set kernel.kptr_restrict to 2 (runtime)*asked by Kspp, Lynis*'
                $steps[1] | Should -BeLike '*Persist kernel.kptr_restrict = 2 for the next boot*asked by Kspp, Lynis*'
                foreach ($step in $steps) { $step | Should -Match 'also satisfies (Scap, PerfSecurityGuide|PerfSecurityGuide, Scap)' }
                [int](Get-Content /proc/sys/kernel/kptr_restrict) | Should -Be 2
                @(Select-String -Path $DropIn -Pattern '^\s*kernel\.kptr_restrict\s*=').Count | Should -Be 1
                (Get-PerfSysctl kernel.kptr_restrict).PersistedValue | Should -Be '2'
                $after = @($out | Where-Object { $_ -is [PerfSecurity.Finding] })
                $after.Count | Should -Be 4
                $after.Status | Sort-Object -Unique | Should -Be 'Pass'
            }
        }

        It 'refuses findings that cannot all pass with one value, before changing anything' {
            Use-ParanoidLevel 2 {
                Remove-Item -Force $DropIn -ErrorAction SilentlyContinue
                $kspp = Invoke-PerfSecurityAudit -Profile Kspp -Id PERF-PARANOID-RUNTIME
                $scap = Invoke-PerfSecurityAudit -Profile Scap -Id PERF-PARANOID-PERSISTED
                $kspp.Status | Should -Be 'Fail' -Because 'Kspp wants 3'
                if ($scap.Status -ne 'Fail') { Set-ItResult -Skipped -Because "machine: a sysctl file here already sets kernel.perf_event_paranoid = 2 everywhere ($($scap.Actual)), so SCAP asks for nothing"; return }
                $before = Get-SystemFingerprint
                $kspp, $scap | Repair-PerfSecurityFinding -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue
                $failed.Count | Should -Be 1
                $failed[0].FullyQualifiedErrorId | Should -BeLike 'PerfAuditRepairConflict,*'
                $failed[0].Exception.Message | Should -BeLike '*Kspp (PERF-PARANOID-RUNTIME) asks for 3*Scap (PERF-PARANOID-PERSISTED) expects 2*Nothing was changed*'
                Get-ParanoidRuntime | Should -Be 2
                Test-Path $DropIn | Should -BeFalse
                Get-SystemFingerprint | Should -Be $before
            }
        }
    }

    Context 'what it cannot repair' {
        It 'says so for a sudoers rule, with the remediation, and changes nothing' {
            $wide = "/etc/sudoers.d/$Tag"
            [IO.File]::WriteAllText($wide, "ALL ALL=/usr/sbin/capsh`n"); & chmod 0440 $wide
            try {
                $before = Get-SystemFingerprint
                Invoke-PerfSecurityAudit -Id PERF-SUDOERS-SCOPE | Where-Object Target -EQ $wide |
                    Repair-PerfSecurityFinding -ErrorVariable ev -ErrorAction SilentlyContinue
                $ev[0].FullyQualifiedErrorId | Should -BeLike 'PerfAuditNotRepairable,*'
                $ev[0].Exception.Message | Should -Match 'New-PerfCapabilityShell'
                Get-SystemFingerprint | Should -Be $before
            }
            finally { Remove-Item -Force $wide }
        }

        It 'refuses an unknown check id' {
            [pscustomobject]@{ Id = 'PERF-NOPE' } | Repair-PerfSecurityFinding -ErrorVariable ev -ErrorAction SilentlyContinue
            $ev[0].FullyQualifiedErrorId | Should -BeLike 'PerfAuditUnknownCheck,*'
        }

        It 'leaves a passing finding alone' -Tag Kernel {
            Use-ParanoidLevel 2 {
                $before = Get-SystemFingerprint
                Invoke-PerfSecurityAudit -Profile Scap -Id PERF-PARANOID-RUNTIME | Repair-PerfSecurityFinding -Verbose 4>&1 |
                    Out-String | Should -Match 'Pass; nothing to repair'
                Get-SystemFingerprint | Should -Be $before
            }
        }
    }
}
