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

    It 'predicts for <_> concurrent sessions: the recommended size maps in all, twice that fails where predicted' -ForEach 1, 2, 3 {
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

    It 'says whether perf''s default buffers fit' {
        $one = Measure-PerfMlockBudget -UserName $User -ProcessCount 1
        $one.DefaultFits | Should -BeTrue
        $two = Measure-PerfMlockBudget -UserName $User -ProcessCount 2
        $two.DefaultFits | Should -BeFalse
        Use-ParanoidLevel 2 { Invoke-Sessions -Count 2 -Pages $two.DefaultMmapPages } | Select-Object -Last 1 | Should -Not -Be 0
    }

    It 'reports Unlimited at paranoid -1, and a large mapping then succeeds' {
        Use-ParanoidLevel -1 {
            $b = Measure-PerfMlockBudget -UserName $User -ProcessCount 2
            $b.Unlimited | Should -BeTrue
            $b.UnlimitedReason | Should -Match 'paranoid is -1'
            Invoke-Sessions -Count 2 -Pages 1024 | Should -Be @(0, 0)
        }
    }

    It 'reports Unlimited for a perf copy with CAP_IPC_LOCK, and a large mapping then succeeds' {
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

    It 'rejects an unknown user with ObjectNotFound' {
        $err = $null
        Measure-PerfMlockBudget -UserName 'no-such-user-x' -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'PerfUserNotFound,PerfSecurity.Commands.MeasurePerfMlockBudgetCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'works for an unprivileged user about their own process' {
        $r = Invoke-AsUser $User { $b = Measure-PerfMlockBudget; "$($b.CapIpcLock) $($b.MemlockLimitKb)" }
        $r.ErrorId | Should -BeNullOrEmpty
        $r.Output | Should -Match '^False \d+'
    }

    It 'has a default view' {
        Measure-PerfMlockBudget -UserName $User -ProcessCount 2 | Out-String | Should -Match 'MmapPages'
    }
}
