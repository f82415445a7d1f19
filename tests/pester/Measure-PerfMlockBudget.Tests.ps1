# The mlock budget's predictions, confirmed by the kernel: real `perf record` sessions of an unprivileged
# user with a small RLIMIT_MEMLOCK, started one after the other, succeed or fail where predicted.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:User = New-TestUser -Prefix 'psmlock'
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ("psmlock" + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory $Work
    & chmod 0777 $Work
    # The user's login gets a 64 KiB RLIMIT_MEMLOCK; the sessions below run with the same limit.
    $script:LimitsFile = "/etc/security/limits.d/zz-$User.conf"
    $null = New-Item -ItemType Directory -Force /etc/security/limits.d
    Set-Content $LimitsFile "$User  -  memlock  64"
    $script:Perf = (Get-Command perf -CommandType Application | Select-Object -First 1).Source

    function Start-Session([int] $Pages, [string] $Name, [double] $Seconds, [string] $Binary = $Perf) {
        $log = "$Work/$Name.log"
        # perf record -p on a separate sleep: a capability-bearing perf's own forked workload stays
        # non-dumpable until exec, and the kernel's ptrace check would refuse to attach to it.
        $cmd = "sleep 60 & t=`$!; prlimit --memlock=65536:65536 $Binary record -m $Pages -e cpu-clock -p `$t -o $Work/$Name.data -- sleep $Seconds > $log 2>&1; echo `$? > $Work/$Name.rc; kill `$t"
        Start-AsUser -User $User -Command $cmd
    }

    # Waits until $Count perf processes of the user have perf ring buffers mapped, counting sessions that already ended.
    function Wait-Mapped([int] $Count, $Sessions) {
        $uid = [int](& id -u $User)
        $deadline = [DateTime]::UtcNow.AddSeconds(15)
        while ([DateTime]::UtcNow -lt $deadline) {
            $mapped = 0
            foreach ($d in [IO.Directory]::GetDirectories('/proc')) {
                $name = [IO.Path]::GetFileName($d)
                if ($name -notmatch '^\d+$') { continue }
                try {
                    if ((Get-Content "$d/comm" -ErrorAction Stop) -ne 'perf') { continue }
                    if ([int]((Get-Content "$d/status" -ErrorAction Stop | Select-String '^Uid:').Line -split '\s+')[1] -ne $uid) { continue }
                    if (Select-String -Path "$d/maps" -Pattern 'perf_event' -Quiet -ErrorAction Stop) { $mapped++ }
                }
                catch { }
            }
            $ended = @($Sessions | Where-Object HasExited).Count
            if ($mapped + $ended -ge $Count) { return }
            Start-Sleep -Milliseconds 50
        }
    }

    # Starts $Count sessions one after the other (each maps its buffers before the next starts) and returns their exit codes.
    function Invoke-Sessions([int] $Count, [long] $Pages, [string] $Binary = $Perf) {
        Remove-Item "$Work/*" -Force -ErrorAction SilentlyContinue
        $procs = @()
        for ($i = 1; $i -le $Count; $i++) {
            $procs += Start-Session -Pages $Pages -Name "s$i" -Seconds (1.2 * ($Count - $i + 1) + 0.5) -Binary $Binary
            # The order matters: the next session starts once this one has mapped its buffers (or given up).
            Wait-Mapped -Count $i -Sessions $procs
        }
        $procs | ForEach-Object { $_.WaitForExit() }
        for ($i = 1; $i -le $Count; $i++) { [int](Get-Content "$Work/s$i.rc") }
    }
}

AfterAll {
    Remove-Item $LimitsFile -ErrorAction SilentlyContinue
    Remove-Item -Recurse -Force $Work -ErrorAction SilentlyContinue
    Remove-TestUser $User
}

Describe 'Measure-PerfMlockBudget' {
    It 'reads the user''s RLIMIT_MEMLOCK from limits.d and the allowance from the sysctls' {
        $b = Measure-PerfMlockBudget -UserName $User
        $b.MemlockLimitKb | Should -Be 64
        $b.MemlockLimitSource | Should -Be "${LimitsFile}:1"
        $b.PerCpuLimitKb | Should -Be ([int](Get-Content /proc/sys/kernel/perf_event_mlock_kb))
        $b.OnlineCpus | Should -Be ([Environment]::ProcessorCount)
        $b.UserLimitKb | Should -Be ([math]::Floor($b.PerCpuLimitKb / 4) * 4 * $b.OnlineCpus)
        $b.CapIpcLock | Should -BeFalse
    }

    It 'predicts for <_> concurrent sessions: the recommended size maps in all, twice that fails where predicted' -Tag Kernel, Unprivileged, Slow -ForEach 1, 2, 3 {
        $count = $_
        Use-ParanoidLevel 2 {
            $b = Measure-PerfMlockBudget -UserName $User -ProcessCount $count
            $b.Unlimited | Should -BeFalse
            $b.MmapPages | Should -BeGreaterThan 0
            $b.PerfRecordArgument | Should -Be "--mmap-pages $($b.MmapPages)"
            Invoke-Sessions -Count $count -Pages $b.MmapPages | Should -Be (@(0) * $count)

            $double = Measure-PerfMlockBudget -UserName $User -ProcessCount $count -MmapPages (2 * $b.MmapPages)
            $double.Fits | Should -BeFalse
            $double.ShortfallKb | Should -BeGreaterThan 0
            $rcs = @(Invoke-Sessions -Count $count -Pages (2 * $b.MmapPages))
            for ($i = 1; $i -le $count; $i++) {
                if ($i -lt $double.FailingProcess) { $rcs[$i - 1] | Should -Be 0 -Because "session $i comes before the predicted failure" }
                elseif ($i -eq $double.FailingProcess) { $rcs[$i - 1] | Should -Not -Be 0 -Because "session $i is predicted to fail ($($double.FirstFailure))" }
            }
            Get-Content "$Work/s$($double.FailingProcess).log" -Raw | Should -Match 'Permission error mapping pages|Operation not permitted'
        }
    }

    It 'says whether perf''s default buffers fit' -Tag Kernel, Unprivileged {
        $one = Measure-PerfMlockBudget -UserName $User -ProcessCount 1
        $one.DefaultFits | Should -BeTrue
        $two = Measure-PerfMlockBudget -UserName $User -ProcessCount 2
        $two.DefaultFits | Should -BeFalse
        Use-ParanoidLevel 2 { Invoke-Sessions -Count 2 -Pages $two.DefaultMmapPages } | Select-Object -Last 1 | Should -Not -Be 0
    }

    It 'reports Unlimited at paranoid -1, and a large mapping then succeeds' -Tag Kernel, Unprivileged {
        Use-ParanoidLevel -1 {
            $b = Measure-PerfMlockBudget -UserName $User -ProcessCount 2
            $b.Unlimited | Should -BeTrue
            $b.UnlimitedReason | Should -Match 'paranoid is -1'
            Invoke-Sessions -Count 2 -Pages 1024 | Should -Be @(0, 0)
        }
    }

    It 'reports Unlimited for a perf copy with CAP_IPC_LOCK, and a large mapping then succeeds' -Tag Kernel, Unprivileged {
        $copy = "$Work-bin/perf"
        $null = New-Item -ItemType Directory -Force "$Work-bin"
        try {
            Copy-Item $Perf $copy
            & chmod 0755 "$Work-bin" $copy
            & setcap cap_ipc_lock=ep $copy
            Use-ParanoidLevel 2 {
                $b = Measure-PerfMlockBudget -UserName $User -FilePath $copy -ProcessCount 2
                $b.CapIpcLock | Should -BeTrue
                $b.Unlimited | Should -BeTrue
                $b.UnlimitedReason | Should -Be 'CAP_IPC_LOCK'
                Invoke-Sessions -Count 2 -Pages 1024 -Binary $copy | Should -Be @(0, 0)
                # The plain perf fails with the same size: the capability made the difference.
                Invoke-Sessions -Count 1 -Pages 1024 | Should -Not -Be 0
            }
        }
        finally { Remove-Item -Recurse -Force "$Work-bin" }
    }

    It 'reports a process''s own limit and CAP_IPC_LOCK (root here)' {
        $b = Measure-PerfMlockBudget -ProcessId $PID
        $b.MemlockLimitSource | Should -Be "/proc/$PID/limits"
        $b.CapIpcLock | Should -BeTrue
        $b.UnlimitedReason | Should -Match 'root'
    }

    Context 'pam_limits exactly: each case against a real session opened by runuser' -Tag Unprivileged {
        # runuser runs pam_limits (/etc/pam.d/runuser: session required pam_limits.so). The session is opened from a
        # process with known limits (prlimit); the module is told that opener with -ParentProcessId.
        BeforeDiscovery {
            $script:PamCases = @(
                @{ Name = 'a soft value above the hard one'; Text = "{u} soft memlock 5000`n{u} hard memlock 3000`n" }
                @{ Name = 'user hard, then * -'; Text = "{u} hard memlock 100`n* - memlock 200`n" }
                @{ Name = 'user soft, then * - (the hard half is not read)'; Text = "{u} soft memlock 100`n* - memlock 200`n" }
                @{ Name = '* -, then user soft'; Text = "* - memlock 200`n{u} soft memlock 100`n" }
                @{ Name = '@group, then :uid'; Text = "@{g} - memlock 300`n:{uid} - memlock 400`n" }
                @{ Name = ':uid, then @group'; Text = ":{uid} - memlock 400`n@{g} - memlock 300`n" }
                @{ Name = 'uid:, then @group'; Text = "{uid}: - memlock 500`n@{g} - memlock 300`n" }
                @{ Name = 'min:max, then @group'; Text = "{uidm1}:{uidp1} - memlock 600`n@{g} - memlock 300`n" }
                @{ Name = 'a uid range that does not match'; Text = "{uidp1}: - memlock 500`n:{uidm1} - memlock 501`n" }
                @{ Name = '@group, then *'; Text = "@{g} - memlock 300`n* - memlock 200`n" }
                @{ Name = '@:gid of a supplementary group'; Text = "@:{sgid} - memlock 350`n" }
                @{ Name = '@gid range (primary group only)'; Text = "@{sgid}: - memlock 360`n@{gid}:{gid} - memlock 361`n" }
                @{ Name = 'a value with a unit'; Text = "{u} - memlock 1202k`n" }
                @{ Name = 'a letter O for a zero'; Text = "{u} - memlock 9O2`n" }
                @{ Name = 'a hex value'; Text = "{u} - memlock 0x10`n" }
                @{ Name = 'a fifth field'; Text = "{u} - memlock 700 fifth`n" }
                @{ Name = 'a negative value'; Text = "{u} - memlock -5`n" }
                @{ Name = 'a plus sign and an exponent'; Text = "{u} soft memlock +50`n{u} hard memlock 1e3`n" }
                @{ Name = 'a value that is no number'; Text = "{u} - memlock lots`n{u} hard memlock 2000`n" }
                @{ Name = 'unlimited'; Text = "{u} - memlock unlimited`n" }
                @{ Name = 'upper case type and item'; Text = "{u} SOFT MEMLOCK 250`n{u} Hard Memlock 251`n" }
                @{ Name = 'an unknown type'; Text = "{u} both memlock 250`n" }
                @{ Name = 'comments and tabs'; Text = "# {u} - memlock 1`n  {u}`t-`tmemlock 123 # trailing`n" }
                @{ Name = 'user - (no limits at all)'; Text = "{u} -`n{u} - memlock 700`n" }
                @{ Name = '* - (not a no-limits line)'; Text = "* -`n{u} - memlock 701`n" }
                @{ Name = 'a line longer than 1023 bytes'; Text = "{u} - memlock 1" + (' ' * 1100) + "{u} - memlock 55`n" }
                @{ Name = 'a hidden file'; Text = "{u} - memlock 900`n"; File = '.zz-hidden-{u}.conf' }
                @{ Name = 'no line for the user'; Text = "nobody - memlock 901`n" }
                @{ Name = 'root: group and * lines do not apply'; Text = "* - memlock 200`n@root - memlock 300`n"; User = 'root' }
                @{ Name = 'root: by name'; Text = "* - memlock 200`nroot - memlock 123`n"; User = 'root' }
                @{ Name = 'root: a uid range'; Text = ":0 - memlock 124`n"; User = 'root' }
                @{ Name = 'root: an @ range compared with the uid'; Text = "@0: - memlock 125`n"; User = 'root' }
            )
        }

        BeforeAll {
            $script:PamUserName = New-TestUser -Prefix 'pspam'
            $script:PamGroup = 'pspamg' + (Get-Random -Minimum 10000 -Maximum 99999)
            & groupadd $PamGroup
            & usermod -a -G $PamGroup $PamUserName
            # The process that "opens" the sessions: limits a session can keep, below this shell's own hard limits.
            $script:Opener = Start-Process -PassThru -FilePath prlimit -ArgumentList '--memlock=4000000:8000000', '--nofile=1024:16000', 'sleep', '600'
            $script:Prlimit = @('--memlock=4000000:8000000', '--nofile=1024:16000')
            $script:HaveRunuser = (Test-Path /usr/sbin/runuser) -and (Select-String -Path /etc/pam.d/runuser -Pattern '^\s*session\s+\S+\s+pam_limits\.so' -Quiet)
        }

        AfterAll {
            if ($Opener -and -not $Opener.HasExited) { $Opener.Kill() }
            Remove-TestUser $PamUserName
            & groupdel $PamGroup 2>$null
        }

        It 'agrees with runuser: <Name>' -ForEach $PamCases {
            if (-not $HaveRunuser) { Set-ItResult -Skipped -Because '/etc/pam.d/runuser does not run pam_limits'; return }
            $target = if ($User) { $User } else { $PamUserName }
            $uid = [int](& id -u $PamUserName)
            $map = @{ '{u}' = $PamUserName; '{g}' = $PamGroup; '{uid}' = "$uid"; '{uidm1}' = "$($uid - 1)"; '{uidp1}' = "$($uid + 1)"
                '{gid}' = (& id -g $PamUserName); '{sgid}' = (& getent group $PamGroup).Split(':')[2] }
            $content = $Text; $name = if ($File) { $File } else { "zz-pspam-$PamUserName.conf" }
            foreach ($k in $map.Keys) { $content = $content.Replace($k, $map[$k]); $name = $name.Replace($k, $map[$k]) }
            $path = "/etc/security/limits.d/$name"
            try {
                [IO.File]::WriteAllText($path, $content)
                $real = (& prlimit @Prlimit runuser -u $target -- sh -c 'echo "$(ulimit -Sl) $(ulimit -Hl)"' 2>&1 | Out-String).Trim()
                $b = Measure-PerfMlockBudget -UserName $target -ParentProcessId $Opener.Id -WarningAction SilentlyContinue
                $module = "$(if ($null -eq $b.MemlockLimitKb) { 'unlimited' } else { $b.MemlockLimitKb }) $(if ($null -eq $b.MemlockHardLimitKb) { 'unlimited' } else { $b.MemlockHardLimitKb })"
                $module | Should -Be $real -Because "runuser printed '$real' for: $($content.Trim()) ($($b.MemlockLimitSource))"
            }
            finally { Remove-Item $path -ErrorAction SilentlyContinue }
        }

        It 'agrees with runuser on nofile: <Name>' -ForEach @(
            @{ Name = 'soft and hard lines'; Text = "{u} soft nofile 256`n{u} hard nofile 4096`n" }
            @{ Name = 'unlimited (fs.nr_open, above what the opener may set)'; Text = "{u} - nofile unlimited`n" }
            @{ Name = 'a wildcard soft above the user''s hard'; Text = "{u} hard nofile 100`n* soft nofile 300`n" }
        ) {
            if (-not $HaveRunuser) { Set-ItResult -Skipped -Because '/etc/pam.d/runuser does not run pam_limits'; return }
            $path = "/etc/security/limits.d/zz-pspam-$PamUserName.conf"
            try {
                [IO.File]::WriteAllText($path, $Text.Replace('{u}', $PamUserName))
                $real = (& prlimit @Prlimit runuser -u $PamUserName -- sh -c 'echo "$(ulimit -Sn) $(ulimit -Hn)"' 2>&1 | Out-String).Trim()
                $b = Measure-PerfFileDescriptorBudget -UserName $PamUserName -ParentProcessId $Opener.Id -EventCount 1 -WarningAction SilentlyContinue
                "$($b.SoftLimit) $($b.HardLimit)" | Should -Be $real -Because $b.LimitSource
            }
            finally { Remove-Item $path -ErrorAction SilentlyContinue }
        }

        It 'says where a limit no line sets comes from' {
            $b = Measure-PerfMlockBudget -UserName $PamUserName -WarningAction SilentlyContinue
            $b.MemlockLimitSource | Should -Match "no pam_limits line for $PamUserName"
            $b.MemlockLimitSource | Should -Match 'PID 1'
            $pid1 = ((Get-Content /proc/1/limits) -match '^Max locked memory' -split '\s{2,}')[1]
            "$(if ($null -eq $b.MemlockLimitKb) { 'unlimited' } else { $b.MemlockLimitKb * 1024 })" | Should -Be $pid1
        }

        It 'does not wait on a FIFO in limits.d and warns' {
            $fifo = "/etc/security/limits.d/zz-pspam-fifo-$PamUserName.conf"
            try {
                & mkfifo $fifo
                $watch = [Diagnostics.Stopwatch]::StartNew()
                $warnings = Measure-PerfMlockBudget -UserName $PamUserName 3>&1 | Where-Object { $_ -is [Management.Automation.WarningRecord] }
                $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
                ($warnings | Out-String) | Should -Match 'FIFO'
            }
            finally { Remove-Item $fifo -ErrorAction SilentlyContinue }
        }
    }

    It 'rejects an unknown user with ObjectNotFound' {
        $err = $null
        Measure-PerfMlockBudget -UserName 'no-such-user-x' -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'PerfUserNotFound,PerfSecurity.Commands.MeasurePerfMlockBudgetCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'works for an unprivileged user about their own process' -Tag Unprivileged {
        $r = Invoke-AsUser $User { $b = Measure-PerfMlockBudget; "$($b.CapIpcLock) $($b.MemlockLimitKb)" }
        $r.ErrorId | Should -BeNullOrEmpty
        $r.Output | Should -Match '^False \d+'
    }

    It 'has a default view' {
        Measure-PerfMlockBudget -UserName $User -ProcessCount 2 | Out-String | Should -Match 'MmapPages'
    }
}
