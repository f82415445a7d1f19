# Export-PerfSecurityBaseline and Compare-PerfSecurityBaseline: each part of the state changed on this machine (in a
# private /etc, so that no other test run sees our groups, users, sudoers and limits, nor we theirs) shows exactly its
# own drift, and nothing once restored.
BeforeDiscovery {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/examples.ps1"
    $script:Examples = @(Get-HelpExample Export-PerfSecurityBaseline) + @(Get-HelpExample Compare-PerfSecurityBaseline)
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/namespace.ps1"
    . "$PSScriptRoot/examples.ps1"
    $script:Tag = 'pstbase{0}' -f (Get-Random -Minimum 10000 -Maximum 99999)
    $script:Dir = "/var/tmp/$Tag"
    $null = New-Item -ItemType Directory $Dir
    $script:CpuPercent = (Get-Content /proc/sys/kernel/perf_cpu_time_max_percent).Trim()
    $script:U1 = "${Tag}a"; $script:U2 = "${Tag}b"

    # Everything below runs in the private /etc: set up a perf group with a member, a capable perf binary, a capability
    # shell with its sudoers rule and a memlock limit; then, part by part: baseline, change, compare, undo, compare.
    $script:Run = Invoke-InPrivateEtc -ArgumentList $Dir, $Tag, $U1, $U2 -ScriptBlock {
        param($Dir, $Group, $U1, $U2)
        function Native { & $args[0] @($args | Select-Object -Skip 1); if ($LASTEXITCODE) { throw "$args failed ($LASTEXITCODE)" } }
        Native groupadd $Group
        Native useradd --no-create-home --shell /bin/sh --user-group $U1
        Native useradd --no-create-home --shell /bin/sh --user-group $U2
        Native gpasswd -a $U1 $Group
        $bin = "$Dir/bin"; $perf = "$bin/perf"; $shell = "$Dir/perf.shell"
        $sudoers = "/etc/sudoers.d/$Group"; $limits = "/etc/security/limits.d/$Group.conf"
        $null = New-Item -ItemType Directory $bin
        Copy-Item /bin/true $perf
        Native chown "root:$Group" $perf; Native chmod 0750 $perf; Native setcap cap_perfmon=ep $perf
        [IO.File]::WriteAllText($shell, "#!/bin/sh`nexec /usr/sbin/capsh --iab='^cap_perfmon' --secbits=239 --user=`"`$SUDO_USER`" -- -l`n")
        Native chmod 0755 $shell
        [IO.File]::WriteAllText($sudoers, "%$Group ALL=$shell`n"); Native chmod 0440 $sudoers
        $null = New-Item -ItemType Directory -Force (Split-Path $limits)
        [IO.File]::WriteAllText($limits, "$U1 - memlock 1024`n")
        $cpu = "/proc/sys/kernel/perf_cpu_time_max_percent"
        $cpuBefore = (Get-Content $cpu).Trim()

        $steps = [ordered]@{
            'runtime sysctl'     = { [IO.File]::WriteAllText($cpu, "$([int]$cpuBefore + 1)`n") }, { [IO.File]::WriteAllText($cpu, "$cpuBefore`n") }
            'next-boot sysctl'   = { [IO.File]::WriteAllText("/etc/sysctl.d/zz-$Group.conf", "kernel.perf_event_max_stack = 100`n") }, { Remove-Item "/etc/sysctl.d/zz-$Group.conf" }
            'binary owner'       = { Native chown $U2 $perf; Native setcap cap_perfmon=ep $perf }, { Native chown root $perf; Native setcap cap_perfmon=ep $perf }
            'binary group'       = { Native chgrp root $perf; Native setcap cap_perfmon=ep $perf }, { Native chgrp $Group $perf; Native setcap cap_perfmon=ep $perf }
            'binary mode'        = { Native chmod 0754 $perf }, { Native chmod 0750 $perf }
            'binary ACL'         = { Native setfacl -m "u:${U2}:rx" $perf }, { Native setfacl -b $perf }
            'binary capability'  = { Native setcap 'cap_perfmon,cap_ipc_lock=ep' $perf }, { Native setcap cap_perfmon=ep $perf }
            'new binary'         = { Copy-Item /bin/true "$bin/perf-new" }, { Remove-Item "$bin/perf-new" }
            'group member'       = { Native gpasswd -a $U2 $Group }, { Native gpasswd -d $U2 $Group }
            'shell script'       = { Add-Content $shell '# changed' }, { [IO.File]::WriteAllText($shell, $shellText) }
            'shell script mode'  = { Native chmod 0775 $shell }, { Native chmod 0755 $shell }
            'sudoers rule'       = { [IO.File]::WriteAllText($sudoers, "%$Group ALL=(root) NOPASSWD: $shell`n") }, { [IO.File]::WriteAllText($sudoers, $sudoersText) }
            'sudoers file'       = { Add-Content $sudoers "Defaults:%$Group !lecture" }, { [IO.File]::WriteAllText($sudoers, $sudoersText) }
            'memlock limit'      = { [IO.File]::WriteAllText($limits, "$U1 - memlock 2048`n") }, { [IO.File]::WriteAllText($limits, "$U1 - memlock 1024`n") }
        }
        $shellText = [IO.File]::ReadAllText($shell); $sudoersText = [IO.File]::ReadAllText($sudoers)
        $base = "$Dir/base.json"
        Export-PerfSecurityBaseline -Path $base -BinaryPath $bin
        $sysctl = [ordered]@{}
        foreach ($key in (Get-Content -Raw $base | ConvertFrom-Json).Sysctls.Name) { $sysctl[$key] = (& sysctl -n $key) -join ' ' }
        $initial = Get-Content -Raw $base | ConvertFrom-Json
        # What the reference tools say of the same state, for the agreement test.
        $tools = [ordered]@{
            Stat = (& stat -c '%U %G %a' $perf); Getfacl = (& getfacl -c -p $perf 2>$null) -join ','; Getcap = (& getcap $perf)
            ShellSha = (& sha256sum $shell).Split(' ')[0]; SudoersSha = (& sha256sum $sudoers).Split(' ')[0]; ShellStat = (& stat -c '%U %a' $shell)
            Members = (& getent group $Group).Split(':')[3]; Ulimit = (& runuser -l $U1 -c 'ulimit -l' 2>$null)
            Sysctl = [pscustomobject]$sysctl
        }
        $unchanged = @(Compare-PerfSecurityBaseline -Baseline $base)
        $results = foreach ($name in $steps.Keys) {
            $do, $undo = $steps[$name]
            # Other test runs change the runtime paranoid level and kptr_restrict (global): redo a step they disturbed.
            for ($try = 0; $try -lt 3; $try++) {
                Export-PerfSecurityBaseline -Path $base -BinaryPath $bin
                try { . $do; $diffs = @(Compare-PerfSecurityBaseline -Baseline $base) }
                finally { . $undo }
                $after = @(Compare-PerfSecurityBaseline -Baseline $base)
                if (-not (@($diffs) + @($after) | Where-Object { $_.Section -eq 'Sysctl' -and $_.Name -ne 'kernel.perf_cpu_time_max_percent' -and $_.Property -eq 'Runtime' })) { break }
            }
            [pscustomobject]@{ Step = $name; Diffs = @($diffs | Select-Object What, Expected, Actual, ComputerName); After = @($after | ForEach-Object What) }
        }
        [pscustomobject]@{ Initial = $initial; Tools = [pscustomobject]$tools; Unchanged = @($unchanged | ForEach-Object What); Steps = @($results) }
    }
    $script:Initial = $Run.Initial
    $script:Perf = "$Dir/bin/perf"
    $script:Shell = "$Dir/perf.shell"
    $script:Me = [Environment]::MachineName
    function script:Sysctl($name) { $Initial.Sysctls | Where-Object Name -EQ $name }
}

AfterAll {
    [IO.File]::WriteAllText('/proc/sys/kernel/perf_cpu_time_max_percent', "$CpuPercent`n")
    Remove-Item -Recurse -Force $Dir -ErrorAction SilentlyContinue
}

Describe 'Export-PerfSecurityBaseline' {
    It 'records every part, as the reference tools see it' {
        $t = $Run.Tools
        $Initial.Format | Should -Be 'PerfSecurity.Baseline/1'
        $Initial.ComputerName | Should -Be $Me
        @($Initial.Sysctls.Name) | Should -Contain 'kernel.perf_event_paranoid'
        # sysctl(8) right after the export (other test runs change the paranoid level now and then).
        foreach ($s in $Initial.Sysctls) { ($s.Runtime -replace '\s+', ' ') | Should -Be $t.Sysctl.($s.Name) -Because $s.Name }
        $b = $Initial.Binaries | Where-Object Path -EQ $Perf
        "$($b.Owner) $($b.Group) $($b.Mode.TrimStart('0'))" | Should -Be $t.Stat
        $b.Capabilities | Should -Be ($t.Getcap -replace '^\S+\s+', '')
        $b.Acl | Should -BeExactly ''   # no extended entries: getfacl shows only the mode's three
        @($t.Getfacl -split ',' | Where-Object { $_ }).Count | Should -Be 3
        $g = $Initial.Groups | Where-Object Name -EQ $Tag
        ($g.Members -join ',') | Should -Be $t.Members
        $s = $Initial.CapabilityShells | Where-Object Script -EQ $Shell
        $s.Rule | Should -Be "%$Tag ALL=$Shell"
        $s.ScriptSha256 | Should -Be $t.ShellSha
        $s.SudoersSha256 | Should -Be $t.SudoersSha
        "$($s.ScriptOwner) $($s.ScriptMode.TrimStart('0'))" | Should -Be $t.ShellStat
        $m = $Initial.MemlockLimits | Where-Object User -EQ $U1
        $m.MemlockKb | Should -Be 1024
        $m.MemlockKb | Should -Be ([int]$t.Ulimit)   # what a login of the member gets (pam_limits through runuser -l)
    }

    It 'compares equal to the state it was taken from' {
        $Run.Unchanged | Should -BeNullOrEmpty
    }

    It 'writes a file only the caller owns, and -WhatIf writes none' {
        $file = Join-Path $Dir 'b.json'
        Export-PerfSecurityBaseline -Path $file -WhatIf
        $file | Should -Not -Exist
        Export-PerfSecurityBaseline -Path $file
        (& stat -c '%U %a' $file) | Should -Be 'root 644'
        { Export-PerfSecurityBaseline -Path $file -NoClobber } | Should -Throw -ErrorId 'PerfBaselineFileExists,PerfSecurity.Commands.ExportPerfSecurityBaselineCommand'
    }

    It 'as root, refuses a path another user could redirect, and writes nothing' -Tag Security {
        $file = "/tmp/$Tag-root.json"
        { Export-PerfSecurityBaseline -Path $file -ErrorAction Stop } | Should -Throw -ErrorId 'PerfBaselineUntrustedPath,PerfSecurity.Commands.ExportPerfSecurityBaselineCommand'
        $file | Should -Not -Exist
    }

    It 'as an unprivileged user, writes the file in a directory of their own' -Tag Unprivileged {
        $user = New-TestUser
        try {
            $own = Join-Path $Dir 'user'
            $null = New-Item -ItemType Directory $own
            & chown $user $own
            $r = Invoke-AsUser $user { param($f) Export-PerfSecurityBaseline -Path $f; Test-Path $f } -ArgumentList "$own/b.json"
            $r.ErrorId | Should -BeNullOrEmpty -Because $r.Message
            (& stat -c '%U %a' "$own/b.json") | Should -Be "$user 644"
            (Get-Content -Raw "$own/b.json" | ConvertFrom-Json).Format | Should -Be 'PerfSecurity.Baseline/1'
        }
        finally { Remove-TestUser $user }
    }

    It 'writes the JSON to the pipeline without -Path' {
        $json = Export-PerfSecurityBaseline -BinaryPath $Perf
        $json | Should -BeOfType [string]
        ($json | ConvertFrom-Json).Binaries.Path | Should -Be $Perf
    }
}

Describe 'Compare-PerfSecurityBaseline' {
    It 'shows exactly the drift of: <Step>' -ForEach @(
        @{ Step = 'runtime sysctl'; Want = { @("Sysctl kernel.perf_cpu_time_max_percent Runtime|$CpuPercent|$([int]$CpuPercent + 1)") } }
        @{ Step = 'next-boot sysctl'; Want = { @("Sysctl kernel.perf_event_max_stack NextBoot|$(if ((Sysctl kernel.perf_event_max_stack).NextBoot) { (Sysctl kernel.perf_event_max_stack).NextBoot } else { '(not set)' })|100") } }
        @{ Step = 'binary owner'; Want = { @("Binary $Perf Owner|root|$U2") } }
        @{ Step = 'binary group'; Want = { @("Binary $Perf Group|$Tag|root") } }
        @{ Step = 'binary mode'; Want = { @("Binary $Perf Mode|0750|0754") } }
        @{ Step = 'binary ACL'; Want = { @("Binary $Perf Acl||user::rwx,user:${U2}:r-x,group::r-x,mask::r-x,other::---") } }
        @{ Step = 'binary capability'; Want = { @("Binary $Perf Capabilities|cap_perfmon=ep|cap_ipc_lock,cap_perfmon=ep") } }
        @{ Step = 'new binary'; Want = { @("Binary $Dir/bin/perf-new|(absent)|present") } }
        @{ Step = 'group member'; Want = { @("Group $Tag Member $U2|(not a member)|member") } }
        @{ Step = 'shell script'; Want = { @("CapabilityShell $Shell ScriptSha256|$(($Initial.CapabilityShells | Where-Object Script -EQ $Shell).ScriptSha256)|*") } }
        @{ Step = 'shell script mode'; Want = { @("CapabilityShell $Shell ScriptMode|0755|0775") } }
        @{ Step = 'sudoers rule'; Want = { @("CapabilityShell $Shell Rule|%$Tag ALL=$Shell|%$Tag ALL=(root) NOPASSWD: $Shell") } }
        @{ Step = 'sudoers file'; Want = { @("CapabilityShell $Shell SudoersSha256|$(($Initial.CapabilityShells | Where-Object Script -EQ $Shell).SudoersSha256)|*") } }
        @{ Step = 'memlock limit'; Want = { @("Memlock $U1 MemlockKb|1024|2048") } }
    ) {
        $r = $Run.Steps | Where-Object Step -EQ $Step
        $got = @($r.Diffs | ForEach-Object { "$($_.What)|$($_.Expected)|$($_.Actual)" })
        $want = @(& $Want)
        $got.Count | Should -Be $want.Count -Because ($got -join '; ')
        for ($i = 0; $i -lt $want.Count; $i++) { $got[$i] | Should -BeLike $want[$i] }
        $r.Diffs.ComputerName | Should -Be $Me
        $r.After | Should -BeNullOrEmpty -Because 'undoing the change leaves no drift'
    }

    It 'takes the baseline as JSON from the pipeline (as sent to remote hosts)' {
        $json = Export-PerfSecurityBaseline -BinaryPath $Perf
        @($json | Compare-PerfSecurityBaseline | Where-Object Section -NE 'Sysctl') | Should -BeNullOrEmpty
        & chmod 0700 $Perf
        try { ($json | Compare-PerfSecurityBaseline | Where-Object Section -EQ 'Binary').What | Should -Be "Binary $Perf Mode" }
        finally { & chmod 0750 $Perf }
    }

    It 'wants exactly one baseline' {
        $file = Join-Path $Dir 'p.json'
        Export-PerfSecurityBaseline -Path $file -BinaryPath $Perf
        { Compare-PerfSecurityBaseline -ErrorAction Stop } | Should -Throw -ErrorId 'PerfBaselineMissing,PerfSecurity.Commands.ComparePerfSecurityBaselineCommand'
        { Compare-PerfSecurityBaseline -Baseline $file -Json (Get-Content -Raw $file) -ErrorAction Stop } |
            Should -Throw -ErrorId 'PerfBaselineMissing,PerfSecurity.Commands.ComparePerfSecurityBaselineCommand'
    }

    It 'refuses a file that is not a baseline, saying what to do' {
        $bad = Join-Path $Dir 'bad.json'
        Set-Content $bad '{"Format": "something else"}'
        Compare-PerfSecurityBaseline -Baseline $bad -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PerfBaselineInvalid,*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[0].Exception.Message | Should -Match 'Export-PerfSecurityBaseline -Path'
        Set-Content $bad 'not json'
        Compare-PerfSecurityBaseline -Baseline $bad -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PerfBaselineInvalid,*'
    }

    It 'shows each difference with the property names as headers' {
        $d = [PerfSecurity.BaselineDifference]::new('Binary', '/x', 'Mode', '0750', '0755', 'h')
        ($d | Out-String -Width 120) | Should -Match '(?m)^What\s+Expected\s+Actual\s+ComputerName\s*$' -Because 'the first header line'
    }

    It 'runs <Title> as written' -ForEach $Examples {
        $work = Join-Path $Dir ('example{0}' -f (Get-Random))
        $null = New-Item -ItemType Directory $work
        $r = Invoke-HelpExample $Code $work
        $r.ExitCode | Should -Be 0 -Because $r.Output
    }
}
