# Each check against the real system: a failing and a passing fixture, restored afterwards.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:Tag = 'pstaudit{0}' -f (Get-Random -Minimum 10000 -Maximum 99999)
    $script:Dir = "/var/tmp/$Tag"
    $null = New-Item -ItemType Directory $Dir
    & chmod 0755 $Dir
    $script:Group = $Tag
    & groupadd $Group
    if ($LASTEXITCODE) { throw "groupadd $Group failed" }

    function script:Get-Finding {
        param([string] $Id, [string] $Profile = 'PerfSecurityGuide', [string] $Target, [hashtable] $Audit = @{})
        $all = Invoke-PerfSecurityAudit -Profile $Profile -Id $Id @Audit
        if ($Target) { $all = $all | Where-Object Target -EQ $Target }
        $all
    }

    function script:New-CapableCopy {
        # A copy of a small ELF with file capabilities, mode and group as asked.
        param([string] $Name, [string] $Caps, [string] $Mode = '0755', [string] $GroupName = 'root', [string] $Source = '/bin/true')
        $path = Join-Path $Dir $Name
        Copy-Item $Source $path
        & chgrp $GroupName $path
        & chmod $Mode $path
        & setcap $Caps $path
        if ($LASTEXITCODE) { throw "setcap $Caps $path failed" }
        $path
    }

    function script:Write-SysctlFixture([string] $Name, [string] $Text) {
        $path = "/etc/sysctl.d/$Name"
        [IO.File]::WriteAllText($path, $Text)
        $path
    }

    $script:DropInBefore = if (Test-Path $DropIn) { [IO.File]::ReadAllText($DropIn) } else { $null }
    $script:KptrBefore = [int](Get-Content /proc/sys/kernel/kptr_restrict)
}

AfterAll {
    Remove-Item -Recurse -Force $Dir -ErrorAction SilentlyContinue
    Get-ChildItem /etc/sysctl.d, /etc/sudoers.d -Filter "*$Tag*" -ErrorAction SilentlyContinue | Remove-Item -Force
    if ($null -eq $DropInBefore) { Remove-Item -Force $DropIn -ErrorAction SilentlyContinue } else { [IO.File]::WriteAllText($DropIn, $DropInBefore) }
    [IO.File]::WriteAllText('/proc/sys/kernel/kptr_restrict', "$KptrBefore`n")
    & groupdel $Group 2>$null
}

Describe 'Invoke-PerfSecurityAudit' {
    Context 'output' {
        It 'streams typed findings with every field, one verdict per profile with -Profile All' {
            $f = Invoke-PerfSecurityAudit -Path $Dir -Profile All
            $f | Should -Not -BeNullOrEmpty
            $f[0].PSObject.TypeNames[0] | Should -Be 'PerfSecurity.Finding'
            ($f | Where-Object Id -EQ PERF-PARANOID-RUNTIME).Profile | ForEach-Object ToString | Should -Be @('PerfSecurityGuide', 'Scap', 'Kspp', 'Lynis')
            foreach ($x in $f) {
                $x.Id | Should -Match '^PERF-[A-Z0-9-]+$'
                $x.Title | Should -Not -BeNullOrEmpty
                $x.Reference | Should -Not -BeNullOrEmpty
                if ($x.Status -eq 'Fail') { $x.Remediation | Should -Not -BeNullOrEmpty }
            }
        }

        It 'formats as the finding table' {
            $text = Invoke-PerfSecurityAudit -Profile Scap -Id PERF-PARANOID-RUNTIME | Out-String -Width 200
            $text | Should -Match 'Status\s+Id\s+Actual\s+Remediation'
        }

        It 'runs only the kernel guide''s profile by default, and every profile with -Profile All' {
            (Invoke-PerfSecurityAudit -Id PERF-PARANOID-RUNTIME).Profile | ForEach-Object ToString | Should -Be 'PerfSecurityGuide'
            (Invoke-PerfSecurityAudit -Id PERF-PARANOID-RUNTIME -Profile All).Profile | ForEach-Object ToString | Should -Be @('PerfSecurityGuide', 'Scap', 'Kspp', 'Lynis')
        }

        It 'reports each profile''s failures first, then warnings, passes and what does not apply' -Tag Kernel {
            # kptr_restrict 0 fails every standard but the guide's, which warns: each profile's table starts with it.
            [IO.File]::WriteAllText('/proc/sys/kernel/kptr_restrict', "0`n")
            try {
                $f = Use-ParanoidLevel 2 { Invoke-PerfSecurityAudit -Profile All -Path $Dir }
                foreach ($group in $f | Group-Object { "$($_.Profile)" }) {
                    $ranks = @($group.Group | ForEach-Object { @{ Fail = 0; Warning = 1; Pass = 2; NotApplicable = 3 }["$($_.Status)"] })
                    $ranks | Should -Be ($ranks | Sort-Object) -Because "$($group.Name): $($group.Group.Status -join ', ')"
                    $group.Group[0].Status | Should -BeIn 'Fail', 'Warning'
                }
            }
            finally { [IO.File]::WriteAllText('/proc/sys/kernel/kptr_restrict', "$KptrBefore`n") }
        }

        It 'shows README''s command as a one-screen report within 100 columns: the paranoid row, then the findings as a table' {
            # The exact command line from README, run as a newcomer would, formatted at 100 columns.
            $readme = Get-Content -Raw "$RepoRoot/README.md"
            $command = [regex]::Match($readme, "-Command '(Import-Module \./out/PerfSecurity; Get-PerfParanoid; Invoke-PerfSecurityAudit)'").Groups[1].Value
            $command | Should -Not -BeNullOrEmpty -Because 'README shows the command'
            $command = $command.Replace('./out/PerfSecurity', $ModuleDir)
            $lines = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command "`$ProgressPreference = 'SilentlyContinue'; & { $command } | Out-String -Width 100 -Stream"
            $LASTEXITCODE | Should -Be 0
            $text = $lines -join "`n"
            $lines.Count | Should -BeLessThan 40 -Because $text
            $lines | Where-Object { $_.Length -gt 100 } | Should -BeNullOrEmpty
            $lines | Where-Object { $_ -match '^\w+\s+: ' } | Should -BeNullOrEmpty -Because "no object may fall back to a list:`n$text"
            $paranoid = [array]::FindIndex([string[]]$lines, [Predicate[string]] { $args[0] -match '^Level\s+NextBootLevel\s+InSync\s+KernelFlavor\s+PersistedIn$' })
            $paranoid | Should -BeGreaterOrEqual 0 -Because $text
            $lines[$paranoid + 2] | Should -Match '^\s*-?\d\s+-?\d\s+(True|False)\s+\w+'
            $header = [array]::FindIndex([string[]]$lines, [Predicate[string]] { $args[0] -match '^Status\s+Id\s+Actual\s+Remediation$' })
            $header | Should -BeGreaterThan $paranoid -Because $text
            $lines[$header + 1] | Should -Match '^-+\s+-+\s+-+\s+-+$'
            $lines | Should -Contain '   Profile: PerfSecurityGuide'
            $lines | Where-Object { $_ -match '^\s+Details: Invoke-PerfSecurityAudit \| Format-List; all profiles: -Profile All$' } | Should -HaveCount 1
            $rows = $lines[($header + 2)..($lines.Count - 1)] | Where-Object { $_ -match '^(Pass|Fail|Warning|NotApplicable)\s+PERF-' }
            $rows.Count | Should -Be @(Invoke-PerfSecurityAudit).Count
        }

        It 'completes profile names, with All only where -Profile accepts it' {
            $line = 'Invoke-PerfSecurityAudit -Profile '
            $c = TabExpansion2 -inputScript $line -cursorColumn $line.Length
            $valid = (Get-Command Invoke-PerfSecurityAudit).Parameters['Profile'].Attributes | Where-Object { $_ -is [ValidateSet] } | ForEach-Object ValidValues
            $c.CompletionMatches.CompletionText | Sort-Object | Should -Be ($valid | Sort-Object)
            $line = 'Repair-PerfSecurityFinding PERF-KPTR-RESTRICT -Profile '
            $c = TabExpansion2 -inputScript $line -cursorColumn $line.Length
            $c.CompletionMatches.CompletionText | Sort-Object | Should -Be ([Enum]::GetNames([PerfSecurity.AuditProfile]) | Sort-Object)
            foreach ($p in $c.CompletionMatches.CompletionText) { { Repair-PerfSecurityFinding PERF-KPTR-RESTRICT -Profile $p -WhatIf } | Should -Not -Throw }
        }

        It 'completes profile names' {
            $line = 'Invoke-PerfSecurityAudit -Profile Ks'
            $c = TabExpansion2 -inputScript $line -cursorColumn $line.Length
            $c.CompletionMatches.CompletionText | Should -Be 'Kspp'
        }

        It 'refuses an unknown profile and an unknown check id' {
            { Invoke-PerfSecurityAudit -Profile Cis } | Should -Throw -ErrorId 'ParameterArgumentValidationError,PerfSecurity.Commands.InvokePerfSecurityAuditCommand'
            { Invoke-PerfSecurityAudit -Id PERF-NOPE } | Should -Throw -ErrorId 'PerfAuditUnknownCheck,PerfSecurity.Commands.InvokePerfSecurityAuditCommand'
        }

        It 'reports a missing -Path as ObjectNotFound and goes on' {
            $f = Invoke-PerfSecurityAudit -Path "$Dir/missing" -Profile Scap -ErrorVariable ev -ErrorAction SilentlyContinue
            $ev[0].FullyQualifiedErrorId | Should -BeLike 'PerfAuditPathNotFound,*'
            $ev[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $f | Should -Not -BeNullOrEmpty
        }
    }

    Context 'PERF-PARANOID-RUNTIME per standard' -Tag Kernel {
        It 'level <Level>: Guide <Guide>, Scap <Scap>, Kspp <Kspp>, Lynis <Lynis>' -ForEach @(
            @{ Level = 2; Guide = 'Pass'; Scap = 'Pass'; Kspp = 'Fail'; Lynis = 'Pass' }
            @{ Level = 3; Guide = 'Pass'; Scap = 'Fail'; Kspp = 'Pass'; Lynis = 'Pass' }
            @{ Level = 1; Guide = 'Warning'; Scap = 'Fail'; Kspp = 'Fail'; Lynis = 'Fail' }
            @{ Level = -1; Guide = 'Fail'; Scap = 'Fail'; Kspp = 'Fail'; Lynis = 'Fail' }
        ) {
            $f = Use-ParanoidLevel $Level { Invoke-PerfSecurityAudit -Id PERF-PARANOID-RUNTIME -Profile All }
            ($f | Where-Object Profile -EQ PerfSecurityGuide).Status | Should -Be $Guide
            ($f | Where-Object Profile -EQ Scap).Status | Should -Be $Scap
            ($f | Where-Object Profile -EQ Kspp).Status | Should -Be $Kspp
            ($f | Where-Object Profile -EQ Lynis).Status | Should -Be $Lynis
            ($f | Where-Object Profile -EQ Scap).Reference | Should -Match 'RHEL-08-010376'
        }
    }

    Context 'PERF-PARANOID-PERSISTED and PERF-PARANOID-DRIFT' -Tag Kernel {
        AfterEach { Get-ChildItem /etc/sysctl.d -Filter "*$Tag*" | Remove-Item -Force }

        It 'SCAP fails when a sysctl.d file sets another value and passes when every occurrence is 2' {
            $bad = Write-SysctlFixture "60-$Tag.conf" "kernel.perf_event_paranoid = 3`n"
            $f = Get-Finding PERF-PARANOID-PERSISTED Scap
            $f.Status | Should -Be 'Fail'
            $f.Actual | Should -Match ([regex]::Escape("${bad}:1 = 3"))
            [IO.File]::WriteAllText($bad, "kernel.perf_event_paranoid = 2`n")
            $others = Get-ParanoidLineOtherThan 2 -Except $bad
            if ($others) { Set-ItResult -Skipped -Because "machine: this host's sysctl configuration sets another level: $others" }
            (Get-Finding PERF-PARANOID-PERSISTED Scap).Status | Should -Be 'Pass'
        }

        It 'drift: runtime 2 with a file that persists 3 fails, and passes when they agree' {
            $null = Write-SysctlFixture "zz-$Tag.conf" "kernel.perf_event_paranoid = 3`n"
            Use-ParanoidLevel 2 { (Get-Finding PERF-PARANOID-DRIFT).Status } | Should -Be 'Fail'
            Use-ParanoidLevel 3 { (Get-Finding PERF-PARANOID-DRIFT).Status } | Should -Be 'Pass'
        }
    }

    Context 'PERF-KPTR-RESTRICT' -Tag Kernel {
        AfterEach { [IO.File]::WriteAllText('/proc/sys/kernel/kptr_restrict', "$KptrBefore`n") }

        It 'kptr_restrict 0 fails Kspp and Scap; 2 passes both; 1 passes Scap only' {
            [IO.File]::WriteAllText('/proc/sys/kernel/kptr_restrict', "0`n")
            (Get-Finding PERF-KPTR-RESTRICT Kspp).Status | Should -Be 'Fail'
            (Get-Finding PERF-KPTR-RESTRICT Scap).Status | Should -Be 'Fail'
            [IO.File]::WriteAllText('/proc/sys/kernel/kptr_restrict', "1`n")
            (Get-Finding PERF-KPTR-RESTRICT Scap).Status | Should -Be 'Pass'
            (Get-Finding PERF-KPTR-RESTRICT Kspp).Status | Should -Be 'Fail'
            [IO.File]::WriteAllText('/proc/sys/kernel/kptr_restrict', "2`n")
            (Get-Finding PERF-KPTR-RESTRICT Kspp).Status | Should -Be 'Pass'
        }

        It 'the guide fails kptr_restrict 0 only when paranoid also exposes kernel addresses' {
            [IO.File]::WriteAllText('/proc/sys/kernel/kptr_restrict', "0`n")
            Use-ParanoidLevel 1 { (Get-Finding PERF-KPTR-RESTRICT).Status } | Should -Be 'Fail'
            Use-ParanoidLevel 2 { (Get-Finding PERF-KPTR-RESTRICT).Status } | Should -Be 'Warning'
        }
    }

    Context 'capability-bearing perf binaries' {
        BeforeAll {
            $script:BinDir = Join-Path $Dir 'bin'
            $null = New-Item -ItemType Directory $BinDir
            $script:Good = New-CapableCopy 'bin/perf' 'cap_perfmon,cap_sys_ptrace,cap_syslog=ep' '0750' $Group
            $script:Bad = New-CapableCopy 'bin/perf_bad' 'cap_perfmon,cap_sys_admin=ep' '0755'
            $script:Writable = New-CapableCopy 'bin/perf_writable' 'cap_perfmon=ep' '0770' $Group
            $script:Script = Join-Path $BinDir 'perf-wrapper'
            Set-Content $Script "#!/bin/sh`nexec $Good `"`$@`"`n"
            & chmod 0750 $Script; & chgrp $Group $Script; & setcap cap_perfmon=ep $Script
            $script:F = Invoke-PerfSecurityAudit -Profile PerfSecurityGuide -Path $BinDir
        }

        It 'the inventory lists every binary given and those with capabilities' {
            $inv = $F | Where-Object Id -EQ PERF-BINARY-INVENTORY
            $inv.Actual | Should -Match '4 examined'
            $inv.Actual | Should -Match '4 with capabilities'
        }

        It '<Id>: <Name> is <Status>' -ForEach @(
            @{ Id = 'PERF-BINARY-SYS-ADMIN'; Name = 'perf_bad'; Status = 'Fail' }
            @{ Id = 'PERF-BINARY-SYS-ADMIN'; Name = 'perf'; Status = 'Pass' }
            @{ Id = 'PERF-BINARY-OTHERS-EXECUTE'; Name = 'perf_bad'; Status = 'Fail' }
            @{ Id = 'PERF-BINARY-OTHERS-EXECUTE'; Name = 'perf'; Status = 'Pass' }
            @{ Id = 'PERF-BINARY-WRITABLE'; Name = 'perf_writable'; Status = 'Fail' }
            @{ Id = 'PERF-BINARY-WRITABLE'; Name = 'perf'; Status = 'Pass' }
            @{ Id = 'PERF-BINARY-SCRIPT'; Name = 'perf-wrapper'; Status = 'Fail' }
            @{ Id = 'PERF-BINARY-SCRIPT'; Name = 'perf'; Status = 'Pass' }
            @{ Id = 'PERF-BINARY-GROUP'; Name = 'perf_bad'; Status = 'Warning' }
            @{ Id = 'PERF-BINARY-GROUP'; Name = 'perf'; Status = 'Pass' }
        ) {
            $path = Join-Path $BinDir $Name
            $x = $F | Where-Object { $_.Id -eq $Id -and $_.Target -eq $path }
            $x | Should -HaveCount 1
            $x.Status | Should -Be $Status -Because $x.Actual
        }

        It 'names the ELF behind a capable wrapper script' {
            ($F | Where-Object { $_.Id -eq 'PERF-BINARY-SCRIPT' -and $_.Target -eq $Script }).Actual | Should -Match ([regex]::Escape($Good))
        }

        It 'PERF-BINARY-IPC-LOCK warns while perf top runs without cap_ipc_lock, and passes when it stops' -Tag Kernel {
            $before = Get-Finding PERF-BINARY-IPC-LOCK -Target $Good -Audit @{ Path = $Good }
            $before.Status | Should -Be 'Pass'
            $top = Start-Process -FilePath /usr/bin/perf -ArgumentList 'top', '--stdio', '-e', 'cpu-clock' -PassThru -RedirectStandardOutput "$Dir/top.out" -RedirectStandardError "$Dir/top.err"
            try {
                Start-Sleep -Milliseconds 500
                $during = Get-Finding PERF-BINARY-IPC-LOCK -Target $Good -Audit @{ Path = $Good }
                $during.Status | Should -Be 'Warning'
                $during.Actual | Should -Match "perf top running \(pid .*$($top.Id)"
                $during.Remediation | Should -Match 'Measure-PerfMlockBudget'
            }
            finally { $top.Kill(); $top.WaitForExit() }
            (Get-Finding PERF-BINARY-IPC-LOCK -Target $Good -Audit @{ Path = $Good }).Status | Should -Be 'Pass'
        }
    }

    Context 'PERF-SUDOERS-SCOPE' {
        AfterEach { Get-ChildItem /etc/sudoers.d -Filter "*$Tag*" | Remove-Item -Force }

        BeforeAll { $script:ShellDir = New-RootOnlyDirectory 'psaudit-shell' }
        AfterAll { Remove-Item -Recurse -Force $ShellDir -ErrorAction SilentlyContinue }

        It 'fails a rule that gives capsh to ALL users, passes the guide''s group-and-script rule' {
            $shell = Join-Path $ShellDir 'perf.shell'
            Set-Content $shell 'exec /usr/sbin/capsh --iab=^cap_perfmon --secbits=239 --user=$SUDO_USER -- -l'
            & chmod 0755 $shell
            $wide = "/etc/sudoers.d/$Tag-wide"
            [IO.File]::WriteAllText($wide, "ALL ALL=(root) NOPASSWD: /usr/sbin/capsh`n"); & chmod 0440 $wide
            $good = "/etc/sudoers.d/$Tag-good"
            [IO.File]::WriteAllText($good, "%$Group    ALL=$shell`n"); & chmod 0440 $good
            & visudo -cf $wide | Out-Null; $LASTEXITCODE | Should -Be 0
            & visudo -cf $good | Out-Null; $LASTEXITCODE | Should -Be 0
            $f = Get-Finding PERF-SUDOERS-SCOPE
            $w = $f | Where-Object Target -EQ $wide
            $w.Status | Should -Be 'Fail'
            $w.Actual | Should -Match 'ALL users'
            $w.Actual | Should -Match 'runs capsh directly'
            ($f | Where-Object Target -EQ $good).Status | Should -Be 'Pass'
            & chmod 0777 $shell
            $again = Get-Finding PERF-SUDOERS-SCOPE | Where-Object Target -EQ $good
            $again.Status | Should -Be 'Fail'
            $again.Actual | Should -Match 'can be changed by others than root'
        }

        It 'fails a rule whose root-owned script sits in <Where>, where its user could replace it' -Tag Security, Unprivileged -ForEach @(
            @{ Where = 'a member''s home directory'; Said = 'home directory' }
            @{ Where = '/tmp'; Said = 'temporary directory' }
        ) {
            $user = New-TestUser 'psaudh'
            try {
                $homeDir = if ($Where -eq '/tmp') { "/tmp/psaudit-$Tag" } else { "/home/$user" }
                $null = New-Item -ItemType Directory -Force "$homeDir/bin"
                if ($Where -ne '/tmp') { & chown "${user}:" $homeDir }
                $shell = "$homeDir/bin/perf-shell"
                Set-Content $shell 'exec /usr/sbin/capsh --iab=^cap_perfmon --secbits=239 --user=$SUDO_USER -- -l'
                & chmod 0755 $shell
                $rule = "/etc/sudoers.d/$Tag-home"
                [IO.File]::WriteAllText($rule, "%$Group    ALL=$shell`n"); & chmod 0440 $rule
                $f = Get-Finding PERF-SUDOERS-SCOPE | Where-Object Target -EQ $rule
                $f.Status | Should -Be 'Fail'
                $f.Actual | Should -Match "can be changed by others than root: .*$Said"
            }
            finally {
                Remove-Item -Recurse -Force $homeDir -ErrorAction SilentlyContinue
                Remove-TestUser $user
            }
        }
    }

    Context 'PERF-DATA-READABLE' {
        BeforeAll {
            $script:DataDir = Join-Path $Dir 'data'
            $null = New-Item -ItemType Directory "$DataDir/sub"
            & perf record -q -e cpu-clock -o "$DataDir/sub/perf.data" -- sleep 0.1 2>&1 | Out-Null
            if (-not (Test-Path "$DataDir/sub/perf.data")) { throw 'perf record made no perf.data' }
            Set-Content "$DataDir/notperf.data" 'plain text'
        }

        It 'fails a perf.data file readable by others, found by its magic, and passes it at 0600' {
            & chmod 0644 "$DataDir/sub/perf.data" "$DataDir/notperf.data"
            $f = Get-Finding PERF-DATA-READABLE -Audit @{ DataPath = $DataDir }
            $f | Should -HaveCount 1
            $f.Status | Should -Be 'Fail'
            $f.Target | Should -Be "$DataDir/sub/perf.data"
            $f.Actual | Should -Match 'data categories .*events cpu-clock'
            & chmod 0600 "$DataDir/sub/perf.data"
            $p = Get-Finding PERF-DATA-READABLE -Audit @{ DataPath = $DataDir }
            $p.Status | Should -Be 'Pass'
            $p.Actual | Should -Match '^1 perf.data file'
        }

        It 'is NotApplicable without -DataPath' {
            (Get-Finding PERF-DATA-READABLE).Status | Should -Be 'NotApplicable'
        }
    }

    Context 'PERF-LIBCAP-PERFMON and PERF-AUDIT-DOUBLE-DENIAL' {
        It 'passes for this host''s perf and libcap (linux-perf links libcap 2.66)' {
            $f = Get-Finding PERF-LIBCAP-PERFMON
            $f.Status | Should -Be 'Pass'
            $f.Actual | Should -Match 'links libcap 2\.\d+'
        }

        It 'PERF-AUDIT-DOUBLE-DENIAL fails for a program denied both capabilities, names CAP_PERFMON as the fix' {
            $log = Join-Path $RepoRoot 'tests/PerfSecurity.Tests/Fixtures/audit/raw.log'
            $f = Get-Finding PERF-AUDIT-DOUBLE-DENIAL -Audit @{ AuditLogPath = $log }
            $perf = $f | Where-Object Target -EQ '/usr/bin/perf'
            $perf.Status | Should -Be 'Fail'
            $perf.Remediation | Should -Be "Set-PerfCapability -LiteralPath '/usr/bin/perf' -Capability cap_perfmon"
            $f | Where-Object Target -EQ '/usr/sbin/node_exporter' | Should -BeNullOrEmpty
        }

        It 'PERF-AUDIT-DOUBLE-DENIAL passes a log with a single denial and is NotApplicable without a log' {
            $log = Join-Path $Dir 'audit.log'
            Set-Content $log 'type=AVC msg=audit(1764446462.000:7): avc:  denied  { perfmon } for  pid=7 comm="p" capability=38  tclass=capability2 permissive=0'
            (Get-Finding PERF-AUDIT-DOUBLE-DENIAL -Audit @{ AuditLogPath = $log }).Status | Should -Be 'Pass'
            $none = Get-Finding PERF-AUDIT-DOUBLE-DENIAL -Audit @{ AuditLogPath = "$Dir/no-such.log" }
            $none.Status | Should -Be 'NotApplicable'
            $none.Actual | Should -Match 'No such file'
        }
    }

    Context 'run by an unprivileged user' -Tag Unprivileged {
        BeforeAll { $script:User = New-TestUser }
        AfterAll { Remove-TestUser $User }

        It 'works and reports what it could not read' {
            $r = Invoke-AsUser $User { Invoke-PerfSecurityAudit -Profile All | Select-Object Id, @{ n = 'Profile'; e = { "$($_.Profile)" } }, @{ n = 'Status'; e = { "$($_.Status)" } }, Actual }
            $r.ErrorId | Should -BeNullOrEmpty -Because $r.Message
            ($r.Output | Where-Object Id -EQ PERF-PARANOID-RUNTIME) | Should -HaveCount 4
            $u = $r.Output | Where-Object Id -EQ PERF-AUDIT-UNREADABLE
            $u.Status | Should -Be 'Warning'
            $u.Actual | Should -Match '/etc/sudoers'
        }
    }
}
