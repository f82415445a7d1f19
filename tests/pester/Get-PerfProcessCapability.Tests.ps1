BeforeAll {
    . "$PSScriptRoot/common.ps1"

    function ConvertFrom-Pscap([string[]] $Lines) {
        # pscap prints "%-5d %-5d %-10s  %-18s  caps": the command (comm, with " *" for a process in a child user
        # namespace) fills 18 columns; caps are "full" or permitted names without cap_, then " +" or " @".
        foreach ($line in $Lines | Select-Object -Skip 1) {
            if ($line -notmatch '^(?<ppid>\d+) +(?<pid>\d+) +(?<name>\S.{9,}?)  (?<cmd>.{18})  (?<caps>.*)$') { continue }
            [pscustomobject]@{
                ProcessId = [int]$Matches.pid
                Command = $Matches.cmd.TrimEnd() -replace ' \*$', ''
                ChildUserNamespace = $Matches.cmd.TrimEnd().EndsWith(' *')
                Capabilities = ($Matches.caps -replace '( [+@])+\s*$', '').Trim()
            }
        }
    }
    $script:ProbeDir = "/tmp/psprocprobe-$([guid]::NewGuid().ToString('n').Substring(0, 10))"
    $null = New-Item -ItemType Directory $ProbeDir
    function script:Build-Probe([string] $Name, [string[]] $Flags = @()) {
        $out = Join-Path $ProbeDir $Name
        $log = & gcc -O2 -Wall -o $out "$PSScriptRoot/probes/$Name.c" @Flags 2>&1
        if ($LASTEXITCODE -ne 0) { throw "gcc $Name failed: $log" }
        $out
    }
    function script:Invoke-ModuleUnder([string[]] $Prefix, [string] $Command) {
        # Runs $Prefix (a probe and its arguments) which then executes a pwsh that imports the module and runs $Command.
        $script = "`$ErrorActionPreference = 'Stop'; Import-Module '$ModuleDir'; $Command"
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))
        $rest = @($Prefix | Select-Object -Skip 1)
        & $Prefix[0] @rest dotnet "$PSHOME/pwsh.dll" -NoProfile -NonInteractive -EncodedCommand $encoded 2>&1 | ForEach-Object { "$_" }
    }
}

AfterAll { Remove-Item -Recurse -Force $ProbeDir -ErrorAction SilentlyContinue }

Describe 'Get-PerfProcessCapability' {
    It 'agrees with pscap on the processes with capabilities and their permitted sets' {
        if (-not (Get-Command pscap -ErrorAction SilentlyContinue)) { Set-ItResult -Skipped -Because 'pscap (libcap-ng-utils) is not installed'; return }
        $before = Get-PerfProcessCapability
        $lines = & pscap -a
        $after = Get-PerfProcessCapability
        $stable = @{}
        foreach ($p in $before) { $stable[$p.ProcessId] = $p }
        $afterIds = [System.Collections.Generic.HashSet[int]]::new([int[]]@($after.ProcessId))
        $kernel = [System.Collections.Generic.HashSet[int]]::new([int[]]@($before | Where-Object IsKernelThread | ForEach-Object ProcessId))

        $fromPscap = @{}
        $starred = @{}
        foreach ($row in ConvertFrom-Pscap $lines) { $fromPscap[$row.ProcessId] = $row.Capabilities; $starred[$row.ProcessId] = $row.ChildUserNamespace }
        $fromPscap.Count | Should -BeGreaterThan 0

        $full = [PerfSecurity.Capabilities.CapabilitySet]::All.Mask
        $compared = 0
        foreach ($id in $fromPscap.Keys) {
            if (-not $stable.ContainsKey($id) -or -not $afterIds.Contains($id)) { continue } # came or went
            $p = $stable[$id]
            $expected = if ($p.PermittedMask -eq $full) { 'full' } else { ($p.Permitted -replace '^cap_', '') -join ', ' }
            $fromPscap[$id] | Should -BeExactly $expected -Because "pid $id ($($p.Name))"
            $starred[$id] | Should -Be $p.InChildUserNamespace -Because "pid $id ($($p.Name)) in a child user namespace"
            $compared++
        }
        $compared | Should -BeGreaterThan 0

        # Every user process with capabilities that lived through the run is in pscap's list (pscap skips itself and kernel threads).
        foreach ($p in $before) {
            if ($p.IsKernelThread -or -not $afterIds.Contains($p.ProcessId) -or $p.Name -eq 'pscap') { continue }
            if (($p.EffectiveMask -bor $p.PermittedMask -bor $p.InheritableMask) -eq 0) { continue }
            if ($p.ProcessId -eq $PID -or $p.ParentId -eq $PID) { continue }
            $fromPscap.ContainsKey($p.ProcessId) | Should -BeTrue -Because "pid $($p.ProcessId) ($($p.Name)) has capabilities"
        }
    }

    It 'marks processes in a child user namespace as pscap does (<Case>)' -Tag Kernel, Unprivileged -ForEach @(
        @{ Case = 'root in unshare -Ur'; Command = @('unshare', '--user', '--map-root-user', 'sleep', '60'); InChild = $true }
        @{ Case = 'a user in unshare -Ur'; AsUser = $true; Command = @('unshare', '--user', '--map-root-user', 'sleep', '60'); InChild = $true }
        @{ Case = 'root in a PID namespace'; Command = @('unshare', '--pid', '--fork', 'sleep', '60'); InChild = $false }
        @{ Case = 'root in a cgroup namespace'; Command = @('unshare', '--cgroup', 'sleep', '60'); InChild = $false }
    ) {
        if (-not (Get-Command pscap -ErrorAction SilentlyContinue)) { Set-ItResult -Skipped -Because 'pscap (libcap-ng-utils) is not installed'; return }
        $user = if ($AsUser) { New-TestUser 'pscapn' }
        $proc = $null
        try {
            $command = if ($user) { @('setpriv', '--reuid', $user, '--regid', $user, '--init-groups') + $Command } else { $Command }
            $psi = [System.Diagnostics.ProcessStartInfo]::new($command[0])
            foreach ($a in $command[1..($command.Count - 1)]) { $psi.ArgumentList.Add($a) }
            $proc = [System.Diagnostics.Process]::Start($psi)
            # The sleep: the started process itself, or unshare's child with --fork.
            $id = $proc.Id
            for ($i = 0; $i -lt 100 -and (Get-Content "/proc/$id/comm") -ne 'sleep'; $i++) {
                $next = "$(Get-Content "/proc/$id/task/$id/children" -ErrorAction SilentlyContinue)".Trim()
                if ($next) { $id = [int]$next } else { Start-Sleep -Milliseconds 20 }
            }
            $p = Get-PerfProcessCapability -Id $id
            $p.Name | Should -Be 'sleep'
            $p.InChildUserNamespace | Should -Be $InChild
            $row = ConvertFrom-Pscap (& pscap -a) | Where-Object ProcessId -EQ $id
            $row | Should -Not -BeNullOrEmpty -Because 'pscap lists processes with capabilities'
            $row.ChildUserNamespace | Should -Be $p.InChildUserNamespace
            $row.Command | Should -Be $p.Name
            # The default view marks it the same way.
            $view = ($p | Out-String -Width 200) -split "`n" | Where-Object { $_ -match "^\s*$id\s" }
            if ($InChild) { $view | Should -Match 'sleep \*' } else { $view | Should -Not -Match 'sleep \*' }
        }
        finally {
            if ($proc -and -not $proc.HasExited) { $proc.Kill(); $proc.WaitForExit() }
            if ($id -and $id -ne $proc.Id) { Stop-Process -Id $id -Force -ErrorAction SilentlyContinue }
            if ($user) { Remove-TestUser $user }
        }
    }

    It 'matches /proc/self/status and prctl for the current process' {
        $p = Get-PerfProcessCapability -Id $PID
        $p.GetType().FullName | Should -Be 'PerfSecurity.ProcessCapability'
        $status = Get-Content /proc/$PID/status
        $hex = { param($k) [Convert]::ToUInt64((($status | Where-Object { $_ -like "${k}:*" }) -split '\s+')[1], 16) }
        $p.EffectiveMask | Should -Be (& $hex CapEff)
        $p.PermittedMask | Should -Be (& $hex CapPrm)
        $p.BoundingMask | Should -Be (& $hex CapBnd)
        $p.AmbientMask | Should -Be (& $hex CapAmb)
        $p.SecureBits | Should -Be 0
        $p.User | Should -Be 'root'
        ,$p.Effective | Should -BeOfType [string[]]
        (& getpcaps $PID 2>&1) | Should -BeExactly "${PID}: $($p.Text)"
    }

    It 'shows an unprivileged user process with capabilities from the ambient set' -Tag Unprivileged {
        $user = New-TestUser 'pscapp'
        $proc = $null
        try {
            $psi = [System.Diagnostics.ProcessStartInfo]::new('capsh')
            foreach ($a in "--iab=^cap_perfmon", '--secbits=239', "--user=$user", '--', '-c', 'exec sleep 30') { $psi.ArgumentList.Add($a) }
            $proc = [System.Diagnostics.Process]::Start($psi)
            $deadline = [DateTime]::UtcNow.AddSeconds(10)
            do {
                Start-Sleep -Milliseconds 100
                $sleep = Get-PerfProcessCapability -Name sleep -ErrorAction SilentlyContinue | Where-Object User -EQ $user
            } until ($sleep -or [DateTime]::UtcNow -gt $deadline)
            $sleep | Should -Not -BeNullOrEmpty
            $sleep.Permitted | Should -Be @('cap_perfmon')
            $sleep.Ambient | Should -Be @('cap_perfmon')
            $sleep.Effective | Should -Be @('cap_perfmon')
            $sleep.SecureBits | Should -BeNullOrEmpty
            $sleep.Text | Should -BeExactly 'cap_perfmon=eip'
        }
        finally {
            # capsh and the shell exec into sleep, so the started process is the sleep.
            if ($proc -and -not $proc.HasExited) { $proc.Kill(); $proc.WaitForExit() }
            Remove-TestUser $user
        }
    }

    It 'takes processes from Get-Process by property name and filters by name' {
        $r = Get-Process -Id $PID | Get-PerfProcessCapability
        $r.ProcessId | Should -Be $PID
        $one = Get-PerfProcessCapability -Id 1
        (Get-PerfProcessCapability -Name $one.Name.ToUpper()).ProcessId | Should -Contain 1
        (Get-PerfProcessCapability -Name ($one.Name.Substring(0, 2) + '*')).ProcessId | Should -Contain 1
        ('pwsh', 'dotnet' | Get-PerfProcessCapability -ErrorAction SilentlyContinue).ProcessId | Should -Contain $PID
    }

    It 'lists every process in id order with any -ThrottleLimit, and ends its reader threads when the pipeline stops early' {
        function Get-ReaderThread { @(Get-ChildItem /proc/self/task | Where-Object { (Get-Content "$($_.FullName)/comm" -ErrorAction SilentlyContinue) -like 'PerfSecurity pr*' }) }
        $sleepers = 1..200 | ForEach-Object { [Diagnostics.Process]::Start('sleep', '60') }
        try {
            $one = @(Get-PerfProcessCapability -ThrottleLimit 1)
            $four = @(Get-PerfProcessCapability -ThrottleLimit 4)
            foreach ($list in $one, $four) {
                $ids = [int[]]$list.ProcessId
                $sorted = [int[]]$ids.Clone(); [Array]::Sort($sorted)
                $ids | Should -Be $sorted
                $list.ProcessId | Should -Contain $sleepers[-1].Id
            }
            # The same processes (but those that started or ended in between) with the same sets.
            $both = $one.ProcessId | Where-Object { $_ -in $four.ProcessId }
            $both.Count | Should -BeGreaterThan 200
            $text = { param($l) $l | Where-Object ProcessId -In $both | Where-Object ProcessId -NE $PID | ForEach-Object { "$($_.ProcessId) $($_.Text) $($_.InChildUserNamespace)" } }
            & $text $four | Should -Be (& $text $one)
            @(Get-PerfProcessCapability -ThrottleLimit 4 | Select-Object -First 3).Count | Should -Be 3
            (Get-ReaderThread).Count | Should -Be 0 -Because 'the reader threads end before the command returns'
        }
        finally { $sleepers | ForEach-Object { $_.Kill() } }
    }

    It 'reports an unknown pid as ObjectNotFound' {
        Get-PerfProcessCapability -Id 999999999 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'PerfProcessNotFound,PerfSecurity.Commands.GetPerfProcessCapabilityCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'shows NoNewPrivs' {
        $psi = [System.Diagnostics.ProcessStartInfo]::new('setpriv')
        foreach ($a in '--no-new-privs', 'sleep', '5') { $psi.ArgumentList.Add($a) }
        $proc = [System.Diagnostics.Process]::Start($psi)
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(5)
            do { Start-Sleep -Milliseconds 50; $p = Get-PerfProcessCapability -Id $proc.Id } until ($p.Name -eq 'sleep' -or [DateTime]::UtcNow -gt $deadline)
            $p.Name | Should -Be 'sleep'
            $p.NoNewPrivs | Should -BeTrue
            (Get-PerfProcessCapability -Id $PID).NoNewPrivs | Should -BeFalse
        }
        finally { $proc.Kill(); $proc.WaitForExit() }
    }
}

Describe 'Secure bits 8-11 (Linux 6.14+)' -Tag Kernel {
    BeforeAll {
        $script:SecbitsProbe = Build-Probe 'secbits-probe'
    }

    It 'reads back <Bits> set with prctl(PR_SET_SECUREBITS), as the kernel and capsh show it' -ForEach @(
        @{ Bits = '0x100' }, @{ Bits = '0x400' }, @{ Bits = '0x500' }, @{ Bits = '0xf00' }, @{ Bits = '0xfef' }
    ) {
        $out = Invoke-ModuleUnder @($SecbitsProbe, $Bits) @'
$p = Get-PerfProcessCapability -Id $PID
$d = ConvertFrom-PerfSecureBits $p.SecureBits
[pscustomobject]@{ SecureBits = $p.SecureBits; Flags = $p.SecureBitsFlags; DecodedFlags = $d.Flags; Text = $d.Text } | ConvertTo-Json -Compress
'@
        $kernelLine = $out | Where-Object { $_ -like 'kernel *' }
        $kernelLine | Should -Not -BeNullOrEmpty -Because ($out -join "`n")
        $kernel = [int]($kernelLine -split ' ')[1]
        $kernel | Should -Be ([Convert]::ToInt32($Bits, 16)) -Because 'this kernel accepts the bits'
        $r = ($out | Where-Object { $_.StartsWith('{') }) | ConvertFrom-Json
        $r.SecureBits | Should -Be $kernel
        # One name per set bit, none of them an unnamed "bit N".
        @($r.Flags).Count | Should -Be ([System.Numerics.BitOperations]::PopCount([uint32]$kernel))
        $r.Flags | Should -Not -Match '^bit '
        $r.DecodedFlags | Should -Be $r.Flags
        $capsh = & capsh "--secbits=$kernel" --print | Where-Object { $_ -like 'Securebits:*' }
        $capsh | Should -Match ([regex]::Escape("Securebits: $($r.Text) "))
    }

    It 'names SECBIT_EXEC_RESTRICT_FILE and SECBIT_EXEC_DENY_INTERACTIVE as the kernel header does' {
        $header = '/usr/include/linux/securebits.h'
        if (-not (Select-String -Path $header -Pattern 'SECURE_EXEC_DENY_INTERACTIVE_LOCKED' -Quiet -ErrorAction SilentlyContinue)) {
            Set-ItResult -Skipped -Because "machine: $header (the installed kernel headers) predates Linux 6.14"; return
        }
        $numbers = @{}
        foreach ($m in Select-String -Path $header -Pattern '^#define\s+SECURE_(EXEC_\w+)\s+(\d+)') { $numbers["SECBIT_$($m.Matches[0].Groups[1].Value)"] = [int]$m.Matches[0].Groups[2].Value }
        foreach ($name in $numbers.Keys) { (ConvertFrom-PerfSecureBits $name).Value | Should -Be (1 -shl $numbers[$name]) -Because $name }
    }
}

Describe 'A process whose leader has exited while a thread runs on' -Tag Kernel {
    BeforeAll {
        $script:ZombieProbe = Build-Probe 'zombie-leader-probe' @('-pthread')
        $script:ZombieCells = [System.Collections.Generic.List[object]]::new()
        function script:Start-ZombieLeader([string] $Leader, [string] $Thread) {
            # The probe runs as nobody; the leader keeps $Leader, the thread $Thread (perfmon or none), then the leader exits.
            $psi = [System.Diagnostics.ProcessStartInfo]::new($ZombieProbe)
            foreach ($a in (& id -u nobody), (& id -g nobody), $Leader, $Thread) { $psi.ArgumentList.Add("$a") }
            $psi.RedirectStandardInput = $true
            $psi.RedirectStandardOutput = $true
            $psi.RedirectStandardError = $true
            $p = [System.Diagnostics.Process]::Start($psi)
            $ready = Read-ProbeLine $p
            if ($ready -notmatch '^ready (\d+) (\d+)$') { throw "the probe did not start: $ready $($p.StandardError.ReadToEnd())" }
            [pscustomobject]@{ Process = $p; Pid = [int]$Matches[1]; Tid = [int]$Matches[2] }
        }
        function script:Read-ProbeLine($Process) {
            $task = $Process.StandardOutput.ReadLineAsync()
            if (-not $task.Wait(10000)) { throw 'the probe did not answer within 10 s' }
            $task.Result
        }
        function script:Get-StatusMask([string] $File, [string] $Key) {
            $line = Get-Content $File | Where-Object { $_ -like "${Key}:*" }
            [Convert]::ToUInt64(($line -split '\s+')[1], 16)
        }
    }

    AfterAll {
        $agree = @($ZombieCells | Where-Object { $_.Predicted -eq ($_.Errno -eq 0) }).Count
        Write-Host "zombie leader: $agree of $($ZombieCells.Count) cells agree with the kernel"
    }

    It 'leader <Leader>, thread <Thread>: reads the live thread and predicts what the kernel does at paranoid <Level>' -ForEach @(
        foreach ($level in 2, 1, 0) { foreach ($pair in @('none', 'perfmon'), @('perfmon', 'none')) { @{ Level = $level; Leader = $pair[0]; Thread = $pair[1] } } }
    ) {
        $probe = Start-ZombieLeader $Leader $Thread
        try {
            # What the kernel shows: a zombie leader with its last sets, and the thread with its own.
            (Get-Content "/proc/$($probe.Pid)/status" | Where-Object { $_ -like 'State:*' }) | Should -Match 'Z \(zombie\)'
            $threadEffective = Get-StatusMask "/proc/$($probe.Pid)/task/$($probe.Tid)/status" CapEff
            $leaderEffective = Get-StatusMask "/proc/$($probe.Pid)/status" CapEff
            $threadEffective | Should -Not -Be $leaderEffective

            $caps = Get-PerfProcessCapability -Id $probe.Pid
            $caps.ThreadId | Should -Be $probe.Tid
            $caps.EffectiveMask | Should -Be $threadEffective
            $caps.User | Should -Be 'nobody'

            Use-ParanoidLevel $Level {
                foreach ($try in 1..5) {
                    Set-ParanoidRuntime $Level
                    $rules = Get-PerfAccess -ProcessId $probe.Pid
                    $observed = @{}
                    foreach ($scope in @{ UserProfiling = 'user'; KernelProfiling = 'kernel'; CpuWide = 'cpu' }.GetEnumerator()) {
                        $probe.Process.StandardInput.WriteLine($scope.Value)
                        $probe.Process.StandardInput.Flush()
                        $observed[$scope.Key] = [int](Read-ProbeLine $probe.Process)
                    }
                    # Other test runs may change the level at any moment: retry until it held for the whole cell.
                    if ((Get-ParanoidRuntime) -eq $Level) { break }
                }
                $mismatches = foreach ($scope in $observed.Keys) {
                    $rule = $rules | Where-Object { "$($_.Scope)" -eq $scope }
                    $ZombieCells.Add([pscustomobject]@{ Level = $Level; Leader = $Leader; Thread = $Thread; Scope = $scope; Predicted = $rule.Allowed; Errno = $observed[$scope] })
                    if ($rule.Allowed -ne ($observed[$scope] -eq 0)) { "${scope}: predicted $($rule.Allowed), kernel errno $($observed[$scope]) ($($rule.Reason))" }
                }
                $mismatches | Should -BeNullOrEmpty
            }
        }
        finally {
            $probe.Process.StandardInput.Close()
            if (-not $probe.Process.WaitForExit(5000)) { $probe.Process.Kill() }
        }
    }

    It 'saw both outcomes and agreed in every cell' {
        @($ZombieCells | Where-Object { $_.Errno -eq 0 }).Count | Should -BeGreaterThan 0
        @($ZombieCells | Where-Object { $_.Errno -ne 0 }).Count | Should -BeGreaterThan 0
        @($ZombieCells | Where-Object { $_.Predicted -ne ($_.Errno -eq 0) }) | Should -BeNullOrEmpty
        $ZombieCells.Count | Should -Be 18
    }
}

