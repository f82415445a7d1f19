# Get-PerfAccess is proved against the kernel: a small C probe makes each attempt (perf_event_open,
# /proc/kallsyms, a ring-buffer mmap) under each subject at paranoid -1..2, and the kernel's answer
# must equal the cmdlet's prediction for the same subject (-UserName <u> -FilePath <probe copy>).
BeforeDiscovery {
    $script:Levels = @(-1, 0, 1, 2)
    $script:Subjects = @('root', 'plain', 'perfmon', 'ipclock')
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('psaccess' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory $Work
    & chmod 755 $Work
    & cc -O2 -Wall -Wextra -o "$Work/probe" "$PSScriptRoot/probes/perf-access-probe.c"
    if ($LASTEXITCODE -ne 0) { throw 'cc failed to build the probe' }
    Copy-Item "$Work/probe" "$Work/probe-perfmon"
    Copy-Item "$Work/probe" "$Work/probe-ipclock"
    & chmod 755 "$Work/probe" "$Work/probe-perfmon" "$Work/probe-ipclock"
    & setcap cap_perfmon=ep "$Work/probe-perfmon"
    & setcap cap_ipc_lock=ep "$Work/probe-ipclock"
    if ($LASTEXITCODE -ne 0) { throw 'setcap failed' }

    $script:User = New-TestUser 'psacc'
    $script:Other = New-TestUser 'psaco'
    # A process of another user, the target of OtherUsersProcesses (setpriv execs sleep: same pid).
    $script:Target = Start-Process setpriv -ArgumentList '--reuid', $Other, '--regid', $Other, '--init-groups', 'sleep', '600' -PassThru
    # A no_new_privs process of the test user.
    $script:NnpProcess = Start-Process setpriv -ArgumentList '--reuid', $User, '--regid', $User, '--init-groups', '--no-new-privs', 'sleep', '600' -PassThru
    Start-Sleep -Milliseconds 300
    (Get-Content "/proc/$($Target.Id)/status" | Select-String '^Uid:').Line | Should -Match "^Uid:\s+$((& id -u $Other))\s"

    # A raw-sampled tracepoint that is not a syscall tracepoint (those are open to everyone per task).
    # Its id is readable by root only; tracefs is mounted in a private mount namespace if it is not mounted.
    $idFile = 'events/sched/sched_switch/id'
    $script:TracepointId = if (Test-Path "/sys/kernel/tracing/$idFile") { Get-Content "/sys/kernel/tracing/$idFile" }
        else { & unshare -m sh -c "mount -t tracefs nodev /sys/kernel/tracing && cat /sys/kernel/tracing/$idFile" }
    [int]$TracepointId | Should -BeGreaterThan 0

    # A ring buffer larger than the per-user allowance plus RLIMIT_MEMLOCK (set to 64 KiB for the probe).
    $page = [int](& getconf PAGESIZE)
    $cpus = 0
    foreach ($range in (Get-Content /sys/devices/system/cpu/online).Trim().Split(',')) {
        $ends = $range.Split('-'); $cpus += if ($ends.Count -eq 2) { [int]$ends[1] - [int]$ends[0] + 1 } else { 1 }
    }
    $script:MemlockBytes = 65536
    $allowance = [long](Get-Content /proc/sys/kernel/perf_event_mlock_kb) * 1024 / $page * $cpus + $MemlockBytes / $page
    $script:RingPages = 1
    while ($RingPages + 1 -le $allowance) { $script:RingPages *= 2 }

    $script:Attempts = [ordered]@{
        UserProfiling       = @('user')
        KernelProfiling     = @('kernel')
        CpuWide             = @('cpu')
        RawTracepoints      = @('raw', $TracepointId)
        OtherUsersProcesses = @('other', $Target.Id)
        KernelAddresses     = @('kallsyms')
        MlockExempt         = @('mmap', $RingPages)
    }
    $script:Files = @{ root = "$Work/probe"; plain = "$Work/probe"; perfmon = "$Work/probe-perfmon"; ipclock = "$Work/probe-ipclock" }
    $script:Cells = [System.Collections.Generic.List[object]]::new()

    function Invoke-Probe([string] $Subject, [string[]] $Attempt, [switch] $NoNewPrivs) {
        # Runs the probe as the subject and returns the errno it printed (0 = allowed).
        $file = $Files[$Subject]
        $command = @($file) + $Attempt
        if ($Subject -ne 'root') {
            # no_new_privs is set by a second setpriv that already runs as the user: the outer one, started
            # by root, still holds root's permitted set, which no_new_privs would let the binary keep.
            $command = @('setpriv', '--reuid', $User, '--regid', $User, '--init-groups') + $(if ($NoNewPrivs) { 'setpriv', '--no-new-privs' }) + $command
        }
        if ($Attempt[0] -eq 'mmap') { $command = @('prlimit', "--memlock=${MemlockBytes}:$MemlockBytes") + $command }
        $out = & $command[0] $command[1..($command.Count - 1)] 2>&1
        if ($LASTEXITCODE -ne 0 -or "$out" -notmatch '^\d+$') { throw "probe $($command -join ' ') failed: $out" }
        [int]"$out"
    }

    # A probe in "serve" mode installs a seccomp profile on itself, then makes each attempt in a forked child
    # with the same credentials, namespaces and filters. Started by this process, it is one of its .NET children.
    function Start-ServedProbe([string[]] $Command) {
        $psi = [Diagnostics.ProcessStartInfo]::new($Command[0])
        foreach ($a in $Command[1..($Command.Count - 1)]) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardInput = $true; $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true
        $psi.UseShellExecute = $false
        $p = [Diagnostics.Process]::Start($psi)
        $ready = Read-ProbeLine $p
        if ($ready -ne 'ready') { $p.Kill(); throw "probe $($Command -join ' ') did not start: $ready $($p.StandardError.ReadToEnd())" }
        $p
    }
    function Read-ProbeLine($Probe) {
        $line = $Probe.StandardOutput.ReadLineAsync()
        if (-not $line.Wait(20000)) { throw 'the probe did not answer within 20 s' }
        $line.Result
    }
    function Invoke-Served($Probe, [string] $Line) {
        $Probe.StandardInput.WriteLine($Line)
        $Probe.StandardInput.Flush()
        Read-ProbeLine $Probe
    }
    function Stop-ServedProbe($Probe) {
        if ($Probe -and -not $Probe.HasExited) {
            $Probe.StandardInput.WriteLine('quit')
            if (-not $Probe.WaitForExit(3000)) { $Probe.Kill(); $Probe.WaitForExit() }
        }
    }
    function Get-ServedObservation($Probe, [int] $OtherPid = $Target.Id) {
        # What the kernel answers inside the probe for each scope: "0", an errno, or "signal N". $OtherPid is the
        # other user's process as the probe's PID namespace numbers it.
        $lines = [ordered]@{
            UserProfiling = 'user'; KernelProfiling = 'kernel'; CpuWide = 'cpu'; RawTracepoints = "raw $TracepointId"
            OtherUsersProcesses = "other $OtherPid"; KernelAddresses = 'kallsyms'; MlockExempt = "mmap $RingPages $MemlockBytes"
        }
        $observed = [ordered]@{}
        foreach ($scope in $lines.Keys) { $observed[$scope] = Invoke-Served $Probe $lines[$scope] }
        $observed
    }

    function Get-SubjectAccess([string] $Subject) {
        $name = if ($Subject -eq 'root') { 'root' } else { $User }
        Get-PerfAccess -UserName $name -FilePath $Files[$Subject]
    }
}

AfterAll {
    foreach ($p in $Target, $NnpProcess) { if ($p -and -not $p.HasExited) { $p.Kill() } }
    Remove-TestUser $User
    Remove-TestUser $Other
    if ($Work) { Remove-Item -Recurse -Force $Work -ErrorAction SilentlyContinue }
}

Describe 'Get-PerfAccess' -Tag Unprivileged {
    Context 'prediction against the kernel' -Tag Kernel {
        It 'predicts what the kernel does at paranoid <Level> for <Subject>' -ForEach @(
            foreach ($l in $Levels) { foreach ($s in $Subjects) { @{ Level = $l; Subject = $s } } }
        ) {
            Use-ParanoidLevel $Level {
                # Other test runs may change the level at any moment: retry until it held for the whole cell.
                for ($try = 1; $try -le 5; $try++) {
                    Set-ParanoidRuntime $Level
                    $rules = Get-SubjectAccess $Subject
                    $observed = [ordered]@{}
                    foreach ($scope in $Attempts.Keys) { $observed[$scope] = Invoke-Probe $Subject $Attempts[$scope] }
                    if ((Get-ParanoidRuntime) -eq $Level -and @($rules | Where-Object ParanoidLevel -NE $Level).Count -eq 0) { break }
                }
                (Get-ParanoidRuntime) | Should -Be $Level
                @($rules).Count | Should -Be $Attempts.Count
                $mismatches = foreach ($rule in $rules) {
                    $errno = $observed[$rule.Scope.ToString()]
                    $Cells.Add([pscustomobject]@{ Level = $Level; Subject = $Subject; Scope = $rule.Scope; Predicted = $rule.Allowed; Errno = $errno })
                    if ($rule.Allowed -ne ($errno -eq 0)) { "$($rule.Scope): predicted $($rule.Allowed), kernel errno $errno ($($rule.Reason))" }
                }
                $mismatches | Should -BeNullOrEmpty
            }
        }

        It 'covered every cell, with both outcomes present' {
            $Cells.Count | Should -Be ($Levels.Count * $Subjects.Count * 7)
            @($Cells | Where-Object Errno -EQ 0).Count | Should -BeGreaterThan 0
            @($Cells | Where-Object Errno -NE 0).Count | Should -BeGreaterThan 0
            # The denials come from the permission gates, as EACCES or EPERM.
            ($Cells | Where-Object Errno -NE 0).Errno | Sort-Object -Unique | Should -BeIn @(1, 13)
        }
    }

    Context 'kptr_restrict' -Tag Kernel {
        It 'predicts kernel addresses in /proc/kallsyms at kptr_restrict <Kptr> and paranoid <Level>' -ForEach @(
            foreach ($k in 1, 2) { foreach ($l in -1, 2) { @{ Kptr = $k; Level = $l } } }
        ) {
            $before = (Get-Content /proc/sys/kernel/kptr_restrict).Trim()
            try {
                Use-ParanoidLevel $Level {
                    $mismatches = foreach ($subject in $Subjects) {
                        [IO.File]::WriteAllText('/proc/sys/kernel/kptr_restrict', "$Kptr`n")
                        Set-ParanoidRuntime $Level
                        $rule = Get-SubjectAccess $subject | Where-Object Scope -EQ KernelAddresses
                        $errno = Invoke-Probe $subject 'kallsyms'
                        $rule.ParanoidLevel | Should -Be $Level
                        if ($rule.Allowed -ne ($errno -eq 0)) { "${subject}: predicted $($rule.Allowed), kernel errno $errno ($($rule.Reason))" }
                    }
                    $mismatches | Should -BeNullOrEmpty
                }
            }
            finally { [IO.File]::WriteAllText('/proc/sys/kernel/kptr_restrict', "$before`n") }
        }
    }

    Context 'seccomp filters against the kernel' -Tag Kernel {
        BeforeAll {
            # The kernel's answer a seccomp action implies: ERRNO(n) -> n; KILL_*/TRAP -> SIGSYS; TRACE and USER_NOTIF
            # without tracer or listener -> ENOSYS.
            $script:ErrnoNumbers = @{}
            for ($n = 1; $n -le 133; $n++) { if ($name = [PerfSecurity.Native.Errno]::Name($n)) { $ErrnoNumbers[$name] = "$n" } }
            function Get-ActionOutcome([string] $Action) {
                switch -Regex ($Action) {
                    '^ERRNO\((\w+)\)$' { if ($ErrnoNumbers.ContainsKey($Matches[1])) { $ErrnoNumbers[$Matches[1]] } else { $Matches[1] } }
                    '^(KILL_PROCESS|KILL_THREAD|TRAP)$' { 'signal 31' }
                    '^(TRACE|USER_NOTIF)$' { '38' }
                }
            }
            $script:ServedCommands = @{
                root    = { param($profile) @("$Work/probe", 'serve', $profile) }
                nnp     = { param($profile) @('setpriv', '--reuid', $User, '--regid', $User, '--init-groups', '--no-new-privs', "$Work/probe", 'serve', $profile) }
                # Ambient cap_perfmon without no_new_privs; the probe sets no_new_privs itself to install its filters.
                ambient = { param($profile) @('setpriv', '--reuid', $User, '--regid', $User, '--init-groups', '--inh-caps', '+perfmon', '--ambient-caps', '+perfmon', "$Work/probe", 'serve', $profile) }
            }
            $script:SeccompCells = [System.Collections.Generic.List[object]]::new()
        }

        It 'predicts every scope under the <Profile> profile for <Subject> at paranoid <Level>' -ForEach @(
            foreach ($profile in 'runtime', 'eperm', 'allow', 'kill', 'stacked', 'trap', 'trace', 'notify') {
                foreach ($subject in 'root', 'nnp', 'ambient') { foreach ($level in 2, -1) { @{ Profile = $profile; Subject = $subject; Level = $level } } }
            }
        ) {
            $probe = Start-ServedProbe (& $ServedCommands[$Subject] $Profile)
            try {
                (Get-Content "/proc/$($probe.Id)/status" | Select-String '^Seccomp:').Line | Should -Match '\s2$'
                $rules, $observed = Use-ParanoidLevel $Level {
                    # Other test runs may change the level at any moment: retry until it held for the whole cell.
                    for ($try = 1; $try -le 5; $try++) {
                        Set-ParanoidRuntime $Level
                        $rules = Get-PerfAccess -ProcessId $probe.Id
                        $observed = Get-ServedObservation $probe
                        if ((Get-ParanoidRuntime) -eq $Level -and @($rules | Where-Object ParanoidLevel -NE $Level).Count -eq 0) { break }
                    }
                    , @($rules)
                    $observed
                }
            }
            finally { Stop-ServedProbe $probe }
            $probe.HasExited | Should -BeTrue
            @($rules).Count | Should -Be 7
            $mismatches = foreach ($rule in $rules) {
                $kernel = $observed[$rule.Scope.ToString()]
                $match = $rule.Verdict -ne 'Unknown' -and (($rule.Verdict -eq 'Allowed') -eq ($kernel -eq '0'))
                # A denial decided by a filter also names what the kernel then does.
                if ($match -and $rule.Verdict -eq 'Denied' -and $rule.Reason -like 'Seccomp filter*') { $match = (Get-ActionOutcome $rule.SeccompAction) -eq $kernel }
                $SeccompCells.Add([pscustomobject]@{ Profile = $Profile; Subject = $Subject; Level = $Level; Scope = $rule.Scope; Verdict = $rule.Verdict; Action = $rule.SeccompAction; Kernel = $kernel; Match = $match })
                if (-not $match) { "$($rule.Scope): predicted $($rule.Verdict) ($($rule.SeccompAction)), kernel $kernel ($($rule.Reason))" }
            }
            $mismatches | Should -BeNullOrEmpty
        }

        It 'covered every cell, with filter denials of every kind and scopes the filters let through' {
            $SeccompCells.Count | Should -Be (8 * 3 * 2 * 7)
            $matched = @($SeccompCells | Where-Object Match).Count
            Write-Host "seccomp: $matched of $($SeccompCells.Count) cells agree with the kernel"
            $matched | Should -Be $SeccompCells.Count
            $kernel = $SeccompCells.Kernel | Sort-Object -Unique
            foreach ($k in '0', '1', '19', '38', 'signal 31') { $kernel | Should -Contain $k }
            @($SeccompCells | Where-Object { $_.Kernel -eq '1' -and $_.Subject -eq 'root' }).Count | Should -BeGreaterThan 0
        }

        It 'numbers filters as PTRACE_SECCOMP_GET_FILTER does: 0 is the one installed first' {
            # stacked: filter 0 logs, filter 1 (installed last) refuses CPU-wide events with ENODEV.
            $probe = Start-ServedProbe (& $ServedCommands['root'] 'stacked')
            try {
                $rules = Get-PerfAccess -ProcessId $probe.Id
                $kernel = Invoke-Served $probe 'cpu'
            }
            finally { Stop-ServedProbe $probe }
            $cpu = $rules | Where-Object Scope -EQ CpuWide
            ($cpu.SeccompFilter, $cpu.SeccompAction) | Should -Be @(1, 'ERRNO(ENODEV)')
            $kernel | Should -Be '19'
            $user = $rules | Where-Object Scope -EQ UserProfiling
            ($user.SeccompFilter, $user.SeccompAction) | Should -Be @(0, 'LOG')
            $user.Reason | Should -Match 'filter 0 \(the oldest of 2\) returns LOG'
        }

        It 'says why it cannot read filters as an unprivileged user, and reports Unknown instead of Allowed' {
            $probe = Start-ServedProbe (& $ServedCommands['nnp'] 'eperm')
            try {
                $r = Invoke-AsUser $User { param($id) Get-PerfAccess -ProcessId $id | ForEach-Object { '{0}|{1}|{2}' -f $_.Scope, $_.Verdict, $_.Reason } } -ArgumentList $probe.Id
                $r.ErrorId | Should -BeNullOrEmpty
                $user = $r.Output | Where-Object { $_ -like 'UserProfiling|*' }
                $user | Should -Match '^UserProfiling\|Unknown\|.*CAP_SYS_ADMIN'
                Invoke-Served $probe 'user' | Should -Be '1'
            }
            finally { Stop-ServedProbe $probe }
        }

        It 'gives up on a process that cannot stop, and leaves it untraced and running' {
            $freezer = '/sys/fs/cgroup/freezer'
            if (-not (Test-Path "$freezer/cgroup.procs")) { Set-ItResult -Skipped -Because 'no cgroup v1 freezer is mounted'; return }
            $group = Join-Path $freezer ('psaccess' + (Get-Random -Minimum 10000 -Maximum 99999))
            $null = New-Item -ItemType Directory $group
            $probe = Start-ServedProbe (& $ServedCommands['root'] 'eperm')
            try {
                [IO.File]::WriteAllText("$group/cgroup.procs", "$($probe.Id)")
                [IO.File]::WriteAllText("$group/freezer.state", 'FROZEN')
                $clock = [Diagnostics.Stopwatch]::StartNew()
                $rule = Get-PerfAccess -ProcessId $probe.Id | Where-Object Scope -EQ UserProfiling
                $clock.Elapsed.TotalSeconds | Should -BeLessThan 10
                $rule.Verdict | Should -Be 'Unknown'
                $rule.Reason | Should -Match 'did not stop for ptrace'
                (Get-Content "/proc/$($probe.Id)/status" | Select-String '^TracerPid:').Line | Should -Match '\s0$'
                [IO.File]::WriteAllText("$group/freezer.state", 'THAWED')
                # Thawed, it answers again, and the filter still returns EPERM.
                Invoke-Served $probe 'user' | Should -Be '1'
            }
            finally {
                if (Test-Path "$group/freezer.state") { [IO.File]::WriteAllText("$group/freezer.state", 'THAWED') }
                Stop-ServedProbe $probe
                # rmdir, which the kernel refuses (EBUSY) until the probe has left the group.
                for ($i = 0; $i -lt 50 -and (Test-Path $group); $i++) {
                    try { [IO.Directory]::Delete($group) } catch [System.IO.IOException] { Start-Sleep -Milliseconds 50 }
                }
                Test-Path $group | Should -BeFalse
            }
        }

        It 'says when another tracer holds the process' {
            $probe = Start-ServedProbe (& $ServedCommands['root'] 'eperm')
            $tracer = $null
            try {
                # A second process attaches first (PTRACE_SEIZE) and stays the tracer: ptrace allows one.
                $psi = [Diagnostics.ProcessStartInfo]::new("$Work/probe")
                foreach ($a in 'hold', "$($probe.Id)") { $psi.ArgumentList.Add($a) }
                $psi.RedirectStandardOutput = $true; $psi.UseShellExecute = $false
                $tracer = [Diagnostics.Process]::Start($psi)
                $tracer.StandardOutput.ReadLine() | Should -Be '0'
                $rule = Get-PerfAccess -ProcessId $probe.Id | Where-Object Scope -EQ UserProfiling
                $rule.Verdict | Should -Be 'Unknown'
                $rule.Allowed | Should -BeNullOrEmpty
                $rule.Reason | Should -Match "traced by process $($tracer.Id)"
                # Unknown survives Clixml and JSON as a null Allowed and the Verdict's name.
                $xml = Join-Path $Work 'rule.clixml'
                $rule | Export-Clixml $xml
                $back = Import-Clixml $xml
                $back.Allowed | Should -BeNullOrEmpty
                $back.Verdict.ToString() | Should -Be 'Unknown'
                ($back | Out-String -Width 200) | Should -Match 'UserProfiling\s+Unknown'
                $json = $rule | Select-Object Scope, Verdict, Allowed | ConvertTo-Json -EnumsAsStrings | ConvertFrom-Json
                $json.Verdict | Should -Be 'Unknown'
                $json.PSObject.Properties['Allowed'].Value | Should -BeNullOrEmpty
            }
            finally {
                if ($tracer -and -not $tracer.HasExited) { $tracer.Kill(); $tracer.WaitForExit() }
                Stop-ServedProbe $probe
            }
        }
    }

    Context 'namespaces and containers' -Tag Kernel {
        BeforeAll {
            $script:Spaces = @{
                'user namespace of root' = @('unshare', '--user', '--map-root-user')
                'user namespace of a user' = @('setpriv', '--reuid', $User, '--regid', $User, '--init-groups', 'unshare', '--user', '--map-root-user')
                'PID namespace' = @('unshare', '--pid', '--fork')
                'cgroup namespace' = @('unshare', '--cgroup')
                'mount namespace' = @('unshare', '--mount')
            }
            function Get-ProbeProcessId($Started) {
                # unshare --fork leaves the probe as its child; the others exec it in place.
                $id = $Started.Id
                for ($i = 0; $i -lt 50 -and (Get-Content "/proc/$id/comm") -ne 'probe'; $i++) {
                    $children = "$(Get-Content "/proc/$id/task/$id/children")".Trim()
                    if ($children) { $id = [int]($children -split ' ')[0] } else { Start-Sleep -Milliseconds 20 }
                }
                $id
            }
            function Get-LsnsNamespace([int] $Id) {
                # util-linux lsns: "TYPE NS" for each namespace the process is in.
                $map = @{}
                foreach ($line in & lsns -p $Id -n -o TYPE,NS) { $t, $ns = ($line.Trim() -split '\s+'); $map[$t] = $ns }
                $map
            }
            # The host's namespaces: PID 1's, or where lsns cannot read PID 1 (it may hold capabilities this session
            # lacks), this session's own when it is in the kernel's initial ones (fixed inodes, uapi linux/nsfs.h).
            $script:HostNs = Get-LsnsNamespace 1
            if ($HostNs.Count -eq 0) {
                $script:HostNs = Get-LsnsNamespace $PID
                $script:HostNsKnown = $HostNs['user'] -eq '4026531837' -and $HostNs['pid'] -eq '4026531836' -and $HostNs['cgroup'] -eq '4026531835'
            }
            else { $script:HostNsKnown = $true }
            $script:NamespaceCells = [System.Collections.Generic.List[object]]::new()
        }

        It 'names the namespaces of a process in a <Space> and predicts what the kernel does there at paranoid <Level>' -ForEach @(
            foreach ($space in 'user namespace of root', 'user namespace of a user', 'PID namespace', 'cgroup namespace', 'mount namespace') {
                foreach ($level in 2, -1) { @{ Space = $space; Level = $level } }
            }
        ) {
            if (-not $HostNsKnown) { Set-ItResult -Skipped -Because 'neither PID 1 nor this session shows the host namespaces'; return }
            $started = Start-ServedProbe ($Spaces[$Space] + @("$Work/probe", 'serve', 'none'))
            $inner = $null
            $sleep = $null
            try {
                $id = Get-ProbeProcessId $started
                $other = $Target.Id
                if ($Space -eq 'PID namespace') {
                    # Another user's process inside the same PID namespace, numbered as the probe sees it.
                    $inner = Start-Process nsenter -ArgumentList '--target', $id, '--pid', '--', 'setpriv', '--reuid', $Other, '--regid', $Other, '--clear-groups', 'sleep', '600' -PassThru
                    for ($i = 0; $i -lt 100 -and -not $sleep; $i++) { Start-Sleep -Milliseconds 20; $sleep = "$(Get-Content "/proc/$($inner.Id)/task/$($inner.Id)/children" -ErrorAction SilentlyContinue)".Trim() }
                    $other = [int]((Get-Content "/proc/$sleep/status" | Select-String '^NSpid:').Line -split '\s+')[-1]
                }
                $mine = Get-LsnsNamespace $id
                $rules, $observed = Use-ParanoidLevel $Level {
                    for ($try = 1; $try -le 5; $try++) {
                        Set-ParanoidRuntime $Level
                        $rules = Get-PerfAccess -ProcessId $id
                        $observed = Get-ServedObservation $started $other
                        if ((Get-ParanoidRuntime) -eq $Level -and @($rules | Where-Object ParanoidLevel -NE $Level).Count -eq 0) { break }
                    }
                    , @($rules)
                    $observed
                }
                $view = $rules | Out-String -Width 400
            }
            finally {
                if ($sleep) { Stop-Process -Id $sleep -Force -ErrorAction SilentlyContinue }
                if ($inner -and -not $inner.HasExited) { $inner.Kill() }
                Stop-ServedProbe $started
            }
            @($rules).Count | Should -Be 7
            # Each namespace lsns shows apart from PID 1's is named, on every row and in the view; the others are not.
            foreach ($kind in @{ pid = 'PidNamespace'; user = 'UserNamespace'; cgroup = 'CgroupNamespace'; mnt = 'MountNamespace' }.GetEnumerator()) {
                $expected = if ($mine[$kind.Key] -ne $HostNs[$kind.Key]) { "$($kind.Key):[$($mine[$kind.Key])]" } else { $null }
                $rules."$($kind.Value)" | Sort-Object -Unique | Should -Be $expected -Because "$($kind.Key) namespace"
                if ($expected) { $view | Should -Match ([regex]::Escape($expected)) }
            }
            $mismatches = foreach ($rule in $rules) {
                $kernel = $observed[$rule.Scope.ToString()]
                $match = $rule.Verdict -ne 'Unknown' -and (($rule.Verdict -eq 'Allowed') -eq ($kernel -eq '0'))
                $NamespaceCells.Add([pscustomobject]@{ Space = $Space; Level = $Level; Scope = $rule.Scope; Verdict = $rule.Verdict; Kernel = $kernel; Match = $match })
                if (-not $match) { "$($rule.Scope): predicted $($rule.Verdict), kernel $kernel ($($rule.Reason))" }
            }
            $mismatches | Should -BeNullOrEmpty
        }

        It 'covered every cell in namespaces, with both outcomes' {
            $NamespaceCells.Count | Should -Be (5 * 2 * 7)
            $matched = @($NamespaceCells | Where-Object Match).Count
            Write-Host "namespaces: $matched of $($NamespaceCells.Count) cells agree with the kernel"
            $matched | Should -Be $NamespaceCells.Count
            @($NamespaceCells | Where-Object Kernel -EQ '0').Count | Should -BeGreaterThan 0
            @($NamespaceCells | Where-Object Kernel -NE '0').Count | Should -BeGreaterThan 0
        }
    }

    Context 'the bounding set' -Tag Kernel {
        BeforeAll {
            # cap_sys_module is dropped from the bounding set by the launchers below (cap 16).
            $script:BoundFiles = @{ 'probe-all' = '=ep'; 'probe-module' = 'cap_perfmon,cap_sys_module=ep'; 'probe-module-i' = 'cap_perfmon,cap_sys_module=eip'; 'probe-module-p' = 'cap_perfmon,cap_sys_module=p' }
            foreach ($f in $BoundFiles.Keys) {
                Copy-Item "$Work/probe" "$Work/$f"
                & chmod 755 "$Work/$f"
                & setcap $BoundFiles[$f] "$Work/$f"
                if ($LASTEXITCODE -ne 0) { throw "setcap $($BoundFiles[$f]) failed" }
            }
            $script:Launchers = @{
                'root without cap_sys_module' = @('setpriv', '--bounding-set', '-sys_module')
                'a user without cap_sys_module' = @('setpriv', '--reuid', $User, '--regid', $User, '--init-groups', '--bounding-set', '-sys_module')
                # Raised in the inheritable set first: the bounding set cannot add it back afterwards.
                'a user with cap_sys_module inheritable only' = @('setpriv', '--inh-caps', '+sys_module', 'setpriv', '--reuid', $User, '--regid', $User, '--init-groups', '--bounding-set', '-sys_module')
            }
            function Invoke-Launched([string[]] $Launcher, [string] $File, [string[]] $Attempt) {
                # The kernel's answer: the probe's errno, or "exec EPERM" when execve refused the file.
                $command = $Launcher + $(if ($Attempt[0] -eq 'mmap') { 'prlimit', "--memlock=${MemlockBytes}:$MemlockBytes" }) + @($File) + $Attempt
                $out = "$(& $command[0] $command[1..($command.Count - 1)] 2>&1)"
                if ($out -match 'Operation not permitted') { return 'exec EPERM' }
                if ($out -notmatch '^\d+$') { throw "$($command -join ' ') printed: $out" }
                $out
            }
            $script:BoundCells = [System.Collections.Generic.List[object]]::new()
        }

        It 'predicts <File> started by <Launcher>: it <Outcome>' -ForEach @(
            @{ Launcher = 'root without cap_sys_module'; File = 'probe-all'; Fails = $true; Outcome = 'fails with EPERM' }
            @{ Launcher = 'root without cap_sys_module'; File = 'probe-module'; Fails = $true; Outcome = 'fails with EPERM' }
            @{ Launcher = 'a user without cap_sys_module'; File = 'probe-module'; Fails = $true; Outcome = 'fails with EPERM' }
            @{ Launcher = 'a user without cap_sys_module'; File = 'probe-all'; Fails = $true; Outcome = 'fails with EPERM' }
            @{ Launcher = 'a user without cap_sys_module'; File = 'probe-module-p'; Fails = $false; Outcome = 'runs' }
            @{ Launcher = 'a user without cap_sys_module'; File = 'probe-perfmon'; Fails = $false; Outcome = 'runs' }
            @{ Launcher = 'a user with cap_sys_module inheritable only'; File = 'probe-module-i'; Fails = $false; Outcome = 'runs' }
        ) {
            $launcher = $Launchers[$Launcher]
            # The subject: a process started the same way, which the prediction reads.
            $psi = [Diagnostics.ProcessStartInfo]::new($launcher[0])
            foreach ($a in @($launcher[1..($launcher.Count - 1)]) + 'sleep', '600') { $psi.ArgumentList.Add($a) }
            $psi.UseShellExecute = $false
            $subject = [Diagnostics.Process]::Start($psi)
            try {
                for ($i = 0; $i -lt 100 -and (Get-Content "/proc/$($subject.Id)/comm") -ne 'sleep'; $i++) { Start-Sleep -Milliseconds 20 }
                $bounding = [Convert]::ToUInt64(((Get-Content "/proc/$($subject.Id)/status" | Select-String '^CapBnd:').Line -split '\s+')[1], 16)
                $bounding -band (1 -shl 16) | Should -Be 0
                $rules, $observed = Use-ParanoidLevel 2 {
                    for ($try = 1; $try -le 5; $try++) {
                        Set-ParanoidRuntime 2
                        $rules = Get-PerfAccess -ProcessId $subject.Id -FilePath "$Work/$File"
                        $observed = [ordered]@{}
                        foreach ($scope in $Attempts.Keys) { $observed[$scope] = Invoke-Launched $launcher "$Work/$File" $Attempts[$scope] }
                        if ((Get-ParanoidRuntime) -eq 2) { break }
                    }
                    , @($rules)
                    $observed
                }
            }
            finally { $subject.Kill(); $subject.WaitForExit() }
            @($rules).Count | Should -Be 7
            $mismatches = foreach ($rule in $rules) {
                $kernel = $observed[$rule.Scope.ToString()]
                $match = $rule.Verdict -ne 'Unknown' -and (($rule.Verdict -eq 'Allowed') -eq ($kernel -eq '0'))
                $BoundCells.Add([pscustomobject]@{ Launcher = $Launcher; File = $File; Scope = $rule.Scope; Verdict = $rule.Verdict; Kernel = $kernel; Match = $match })
                if (-not $match) { "$($rule.Scope): predicted $($rule.Verdict), kernel $kernel ($($rule.Reason))" }
            }
            $mismatches | Should -BeNullOrEmpty
            if ($Fails) {
                $observed.Values | Sort-Object -Unique | Should -Be 'exec EPERM'
                foreach ($rule in $rules) { $rule.Reason | Should -Match "^Executing $([regex]::Escape("$Work/$File")) fails with EPERM: .*cap_sys_module" }
            }
            else { $observed.Values | Should -Not -Contain 'exec EPERM' }
        }

        It 'predicts the same for a login, whose bounding set is PID 1''s' {
            $bounding = { param($id) [Convert]::ToUInt64(((Get-Content "/proc/$id/status" | Select-String '^CapBnd:').Line -split '\s+')[1], 16) }
            if ((& $bounding 1) -ne (& $bounding $PID)) { Set-ItResult -Skipped -Because 'this session does not have the bounding set of PID 1'; return }
            $rule = Get-PerfAccess -UserName root -FilePath "$Work/probe-all" | Where-Object Scope -EQ UserProfiling
            $kernel = Invoke-Launched @('env') "$Work/probe-all" @('user')
            if ((& $bounding 1) -eq [PerfSecurity.Capabilities.CapabilitySet]::All.Mask) {
                $rule.Verdict | Should -Be 'Allowed'
                $kernel | Should -Be '0'
            }
            else {
                $rule.Verdict | Should -Be 'Denied'
                $rule.Notes | Should -Match 'bounding set of PID 1'
                $kernel | Should -Be 'exec EPERM'
            }
        }

        It 'covered every cell of the bounding set' {
            $BoundCells.Count | Should -Be (7 * 7)
            $matched = @($BoundCells | Where-Object Match).Count
            Write-Host "bounding set: $matched of $($BoundCells.Count) cells agree with the kernel"
            $matched | Should -Be $BoundCells.Count
        }
    }

    Context 'no_new_privs' -Tag Kernel {
        It 'ignores the file capabilities of -FilePath for a no_new_privs process, and so does the kernel' {
            Use-ParanoidLevel 2 {
                $rule = Get-PerfAccess -ProcessId $NnpProcess.Id -FilePath "$Work/probe-perfmon" | Where-Object Scope -EQ CpuWide
                $rule.Allowed | Should -BeFalse
                $rule.Reason | Should -Match 'no_new_privs'
                $rule.Notes | Should -Match 'no_new_privs'
                Invoke-Probe perfmon 'cpu' -NoNewPrivs | Should -Not -Be 0
                # Without no_new_privs the same binary is allowed.
                Invoke-Probe perfmon 'cpu' | Should -Be 0
            }
        }
    }

    Context 'nosuid mounts' -Tag Kernel {
        It 'ignores file capabilities on a nosuid mount, and so does the kernel' {
            $null = New-Item -ItemType Directory "$Work/mnt"
            Set-Content "$Work/nosuid.ps1" @"
Import-Module '$ModuleDir'
Get-PerfAccess -UserName $User -FilePath '$Work/mnt/probe-perfmon' | Where-Object Scope -EQ CpuWide | ForEach-Object { 'allowed=' + `$_.Allowed; 'reason=' + `$_.Reason }
"@
            # In a private mount namespace, so that the nosuid mount is seen by nobody else.
            $script = @"
set -e
mount -t tmpfs -o nosuid,mode=755 psaccess '$Work/mnt'
cp '$Work/probe-perfmon' '$Work/mnt/probe-perfmon'
setcap cap_perfmon=ep '$Work/mnt/probe-perfmon'
echo 2 > /proc/sys/kernel/perf_event_paranoid
echo kernel=`$(setpriv --reuid $User --regid $User --init-groups '$Work/mnt/probe-perfmon' cpu)
dotnet '$PSHOME/pwsh.dll' -NoProfile -NonInteractive -File '$Work/nosuid.ps1'
"@
            Use-ParanoidLevel 2 {
                $out = & unshare -m --propagation private sh -c $script 2>&1
                $text = $out -join "`n"
                $text | Should -Match 'kernel=13'
                $text | Should -Match 'allowed=False'
                $text | Should -Match 'reason=.*nosuid'
            }
        }
    }

    Context 'subjects' {
        It 'judges the current process by default, one rule per scope' {
            $rules = Get-PerfAccess
            $rules.Scope | Should -Be ([enum]::GetNames([PerfSecurity.AccessScope]))
            $rules.ProcessId | Sort-Object -Unique | Should -Be $PID
            $rules[0] | Should -BeOfType PerfSecurity.AccessRule
            $rules[0].Subject | Should -Match "^process $PID "
        }

        It 'takes process ids from the pipeline by property name' {
            $rules = Get-Process -Id $Target.Id | Get-PerfAccess
            $rules.ProcessId | Sort-Object -Unique | Should -Be $Target.Id
            $rules[0].UserName | Should -Be $Other
            $rules[0].Capabilities | Should -BeNullOrEmpty
        }

        It 'gives root every scope that kptr_restrict does not hide' {
            $rules = Get-PerfAccess -UserName root
            ($rules | Where-Object Scope -NE KernelAddresses).Allowed | Should -Not -Contain $false
            ($rules | Where-Object Scope -EQ KernelAddresses).Allowed | Should -Be ([int](Get-Content /proc/sys/kernel/kptr_restrict) -lt 2)
        }

        It 'says when the user cannot execute the file' {
            Copy-Item "$Work/probe-perfmon" "$Work/probe-private"
            & chmod 700 "$Work/probe-private"
            & setcap cap_perfmon=ep "$Work/probe-private"
            $rule = Get-PerfAccess -UserName $User -FilePath "$Work/probe-private" | Where-Object Scope -EQ CpuWide
            if ((Get-ParanoidRuntime) -gt 0) { $rule.Allowed | Should -BeFalse }
            $rule.Notes | Should -Match 'cannot execute'
            # Through a shell of the user: setpriv itself still has root's capabilities when it execs.
            $out = & setpriv --reuid $User --regid $User --init-groups sh -c "exec '$Work/probe-private' cpu" 2>&1
            $LASTEXITCODE | Should -Be 126 -Because "$out"
        }

        It 'works for an unprivileged user' {
            $r = Invoke-AsUser $User { Get-PerfAccess | ForEach-Object { '{0}={1}' -f $_.Scope, $_.Allowed } }
            $r.ErrorId | Should -BeNullOrEmpty
            @($r.Output).Count | Should -Be 7
        }
    }

    Context 'errors' {
        It 'reports <Id> for <Case>' -ForEach @(
            @{ Case = 'an unknown user'; Id = 'PerfAccessUserNotFound'; Category = 'ObjectNotFound'; Params = @{ UserName = 'nosuchuser-psaccess' } }
            @{ Case = 'an empty user name'; Id = 'PerfAccessInvalidUserName'; Category = 'InvalidArgument'; Params = @{ UserName = '' } }
            @{ Case = 'a missing process'; Id = 'PerfAccessProcessNotFound'; Category = 'ObjectNotFound'; Params = @{ ProcessId = 2147483600 } }
            @{ Case = 'process id 0'; Id = 'PerfAccessInvalidProcessId'; Category = 'InvalidArgument'; Params = @{ ProcessId = 0 } }
            @{ Case = 'a missing file'; Id = 'PerfAccessFileNotFound'; Category = 'ObjectNotFound'; Params = @{ UserName = 'root'; FilePath = '/nonexistent/perf' } }
            @{ Case = 'a directory'; Id = 'PerfAccessFileNotRegular'; Category = 'InvalidArgument'; Params = @{ UserName = 'root'; FilePath = '/usr/bin' } }
        ) {
            $out = Get-PerfAccess @Params -ErrorVariable err -ErrorAction SilentlyContinue
            $out | Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be "$Id,PerfSecurity.Commands.GetPerfAccessCommand"
            $err[0].CategoryInfo.Category | Should -Be $Category
        }

        It 'goes on with the next pipeline item after a bad one' {
            $rules = 'nosuchuser-psaccess', 'root' | Get-PerfAccess -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -HaveCount 1
            $rules.UserName | Sort-Object -Unique | Should -Be 'root'
        }
    }

    Context 'presentation' {
        It 'has a default table view with Subject, Scope, Allowed and Reason' {
            $text = Get-PerfAccess | Out-String -Width 200
            $text | Should -Match 'Subject\s+Scope\s+Allowed\s+Reason'
        }

        It 'keeps type name, values and view across PowerShell remoting' -Tag Remoting {
            $server = Start-TestSshServer
            try {
                $sessionArgs = @{
                    HostName = $server.HostName; Port = $server.Port; UserName = $server.UserName; KeyFilePath = $server.KeyFilePath
                    Options  = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' }
                }
                $remote = Invoke-Command @sessionArgs -ScriptBlock { param($m) Import-Module $m; Get-PerfAccess -UserName root } -ArgumentList $ModuleDir
                @($remote).Count | Should -Be 7
                $remote[0].PSObject.TypeNames | Should -Contain 'Deserialized.PerfSecurity.AccessRule'
                $remote[0].Allowed | Should -BeOfType [bool]
                "$($remote[0].Scope)" | Should -Be 'UserProfiling'
                ($remote | Out-String -Width 200) | Should -Match 'Subject\s+Scope\s+Allowed\s+Reason'
            }
            finally { Stop-TestSshServer $server }
        }

        It 'completes user names' {
            $line = 'Get-PerfAccess -UserName ro'
            $r = TabExpansion2 -inputScript $line -cursorColumn $line.Length
            $r.CompletionMatches.CompletionText | Should -Contain 'root'
        }
    }
}
