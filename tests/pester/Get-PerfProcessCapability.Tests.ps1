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
}

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

    It 'marks processes in a child user namespace as pscap does (<Case>)' -ForEach @(
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

    It 'shows an unprivileged user process with capabilities from the ambient set' {
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
