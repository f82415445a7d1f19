BeforeAll {
    . "$PSScriptRoot/common.ps1"
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

        # pscap: "ppid pid uid command capabilities"; caps = "full" or the permitted names without cap_, plus " +"/" @"/" *".
        $fromPscap = @{}
        foreach ($line in $lines | Select-Object -Skip 1) {
            $f = $line -split '\s+', 5
            if ($f.Count -lt 5) { continue }
            $fromPscap[[int]$f[1]] = ($f[4] -replace ' [+@*]( [+@*])*\s*$', '').Trim()
        }
        $fromPscap.Count | Should -BeGreaterThan 0

        $full = [PerfSecurity.Capabilities.CapabilitySet]::All.Mask
        $compared = 0
        foreach ($id in $fromPscap.Keys) {
            if (-not $stable.ContainsKey($id) -or -not $afterIds.Contains($id)) { continue } # came or went
            $p = $stable[$id]
            $expected = if ($p.PermittedMask -eq $full) { 'full' } else { ($p.Permitted -replace '^cap_', '') -join ', ' }
            $fromPscap[$id] | Should -BeExactly $expected -Because "pid $id ($($p.Name))"
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

Describe 'Secure bits 8-11 (Linux 6.14+)' {
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
            Set-ItResult -Skipped -Because "$header predates Linux 6.14"; return
        }
        $numbers = @{}
        foreach ($m in Select-String -Path $header -Pattern '^#define\s+SECURE_(EXEC_\w+)\s+(\d+)') { $numbers["SECBIT_$($m.Matches[0].Groups[1].Value)"] = [int]$m.Matches[0].Groups[2].Value }
        foreach ($name in $numbers.Keys) { (ConvertFrom-PerfSecureBits $name).Value | Should -Be (1 -shl $numbers[$name]) -Because $name }
    }
}

