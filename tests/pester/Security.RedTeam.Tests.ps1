# Attacks of a hostile local user that got through the hardening, replayed with real users: each asserts that
# nothing the user controls ran as root and that nothing changed.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:Attacker = New-TestUser 'psrt'
    # The attacker's own directory (as ~/bin would be), put on root's PATH by a careless admin.
    $script:UserDir = "/tmp/psrt-$(Get-Random -Minimum 10000 -Maximum 99999)"
    $null = New-Item -ItemType Directory $UserDir
    & chown "${Attacker}:" $UserDir
    $script:Proof = "$UserDir/ran-as-root"
    # Every program the attacker owns there records that it ran.
    foreach ($p in 'uname', 'python3', 'interp') {
        Set-Content "$UserDir/$p" "#!/bin/sh`nid -u > '$Proof.$p'`necho 6.1.0`necho perf version 9.9`n"
        & chown "${Attacker}:" "$UserDir/$p"
        & chmod 755 "$UserDir/$p"
    }
    # Root's own programs, on a path only root can change.
    $script:RootDir = New-RootOnlyDirectory 'psrt'
    # As Debian's perf wrapper does: ask uname for the release, then exec the binary.
    Set-Content "$RootDir/perf" "#!/bin/sh`nversion=`"`$(uname -r)`"`nexec /usr/bin/perf `"`$@`"`n"
    Set-Content "$RootDir/perf-env" "#!/usr/bin/env python3`nprint('perf version 1')`n"
    Set-Content "$RootDir/perf-interp" "#!$UserDir/interp`n"
    & chmod 755 "$RootDir/perf" "$RootDir/perf-env" "$RootDir/perf-interp"
}

AfterAll {
    Remove-Item -Recurse -Force $UserDir, $RootDir -ErrorAction SilentlyContinue
    Remove-TestUser $Attacker
}

Describe 'Get-PerfToolInfo run by root with a user directory on PATH' -Tag Security, Unprivileged {
    BeforeEach {
        Remove-Item "$Proof.*" -Force -ErrorAction SilentlyContinue
        $script:SavedPath = $env:PATH
        $env:PATH = "${UserDir}:$env:PATH"
    }
    AfterEach { $env:PATH = $SavedPath }

    It 'runs no program of the user for <Script> (<Planted>)' -TestCases @(
        @{ Script = 'perf'; Planted = 'uname' }
        @{ Script = 'perf-env'; Planted = 'python3' }
        @{ Script = 'perf-interp'; Planted = 'interp' }
    ) {
        $info = Get-PerfToolInfo -LiteralPath "$RootDir/$Script"
        Test-Path "$Proof.$Planted" | Should -BeFalse -Because "root ran the attacker's $Planted through $Script"
        $info.Version | Should -Not -Be '9.9'
    }

    It 'still runs a root-owned wrapper on a trusted path, with the trusted part of PATH' {
        $info = Get-PerfToolInfo -LiteralPath "$RootDir/perf"
        $info.NotRunReason | Should -BeNullOrEmpty
        $info.Version | Should -Be (((& /usr/bin/perf --version) -split ' ')[-1])
    }

    It 'says why a script whose interpreter a user can change was not run' {
        (Get-PerfToolInfo -LiteralPath "$RootDir/perf-interp").NotRunReason | Should -Match ([regex]::Escape($UserDir))
    }
}

Describe 'Repair-PerfSecurityFinding run by root with a user directory on PATH' -Tag Security, Unprivileged {
    BeforeAll {
        # A capable root binary that is not perf, on a path only root can change.
        $script:Victim = "$RootDir/helper"
        Copy-Item /usr/bin/true $Victim
        & chmod 755 $Victim
        & setcap 'cap_net_raw,cap_sys_admin=ep' $Victim
        if ($LASTEXITCODE -ne 0) { throw 'setcap failed' }
        # The attacker names it "perf" in the directory root's PATH searches first.
        & setpriv --reuid $Attacker --regid $Attacker --init-groups ln -s $Victim "$UserDir/perf"
        if ($LASTEXITCODE -ne 0) { throw 'the attacker could not plant the link' }
    }
    BeforeEach {
        $script:SavedPath = $env:PATH
        $env:PATH = "${UserDir}:$env:PATH"
    }
    AfterEach { $env:PATH = $SavedPath }

    It 'a forged <Id> on a capable binary the user calls perf changes nothing' -TestCases @(
        @{ Id = 'PERF-BINARY-OTHERS-EXECUTE' }
        @{ Id = 'PERF-BINARY-SYS-ADMIN' }
    ) {
        $before = (& stat -c '%U:%G %a' $Victim), (& getcap $Victim)
        { Repair-PerfSecurityFinding -Id $Id -Target $Victim -Confirm:$false } | Should -Throw -ErrorId 'PerfAuditTargetNotCovered*'
        ((& stat -c '%U:%G %a' $Victim), (& getcap $Victim)) | Should -Be $before
    }
}

Describe 'A process of a user that names itself with terminal escapes' -Tag Security, Unprivileged {
    BeforeAll {
        # comm is the process's own choice (prctl PR_SET_NAME, at most 15 bytes): an OSC title and a clear screen.
        $script:Comm = "`e]0;PWN`a`e[2J"
        $script:Named = Start-AsUser $Attacker "exec python3 -c 'import ctypes,time; ctypes.CDLL(None).prctl(15, b""\x1b]0;PWN\x07\x1b[2J"", 0, 0, 0); time.sleep(120)'"
        for ($i = 0; $i -lt 50 -and (Get-Content "/proc/$($Named.Id)/comm" -ErrorAction SilentlyContinue) -ne $Comm; $i++) { Start-Sleep -Milliseconds 100 }
    }
    AfterAll { if ($Named -and -not $Named.HasExited) { $Named.Kill() } }

    It '<Command> shows the name escaped in the table and the list, and keeps it raw on the object' -TestCases @(
        @{ Command = 'Get-PerfProcessCapability -Id'; Property = 'Name' }
        @{ Command = 'Get-PerfAccess -ProcessId'; Property = 'Subject' }
    ) {
        (Get-Content "/proc/$($Named.Id)/comm") | Should -Be $Comm -Because 'the process must have named itself'
        $objects = @(& ([scriptblock]::Create("$Command $($Named.Id)")))
        $objects[0].$Property.Contains($Comm) | Should -BeTrue
        foreach ($shown in ($objects | Format-Table | Out-String -Width 200), ($objects | Format-List | Out-String -Width 200)) {
            $shown | Should -Not -Match '[\x00-\x08\x0b-\x1f\x7f]'
            $shown | Should -Match ([regex]::Escape('\x1b]0;PWN\x07\x1b[2J'))
        }
    }
}

Describe 'A file named with terminal escapes, shown as a list' -Tag Security, Unprivileged {
    BeforeAll {
        # A user's file under a name of its choice (an OSC title and a clear screen), as a scan or a -Path finds it.
        $script:Named = "$UserDir/perf`e]0;PWN`a`e[2J"
        & setpriv --reuid $Attacker --regid $Attacker --init-groups cp /usr/bin/true $Named
        if ($LASTEXITCODE -ne 0) { throw 'the attacker could not create the file' }
        # Get-PerfCapability lists capable files only: one with that name, as unpacked from a user's archive.
        $script:CapableNamed = "$RootDir/perf`e]0;PWN`a`e[2J"
        Copy-Item /usr/bin/true $CapableNamed
        & setcap cap_perfmon=ep $CapableNamed
        if ($LASTEXITCODE -ne 0) { throw 'setcap failed' }
    }

    It '<Command> shows the name escaped in the table and the list, and keeps it raw on the object' -TestCases @(
        @{ Command = 'Get-PerfCapability -LiteralPath'; File = 'CapableNamed' }
        @{ Command = 'Get-PerfUsersGroup -Path'; File = 'Named' }
    ) {
        $path = Get-Variable -Scope Script -Name $File -ValueOnly
        $objects = @(& ([scriptblock]::Create("$Command `$path")))
        $objects[0].Path | Should -Be $path
        foreach ($shown in ($objects | Format-Table | Out-String -Width 200), ($objects | Format-List | Out-String -Width 200)) {
            $shown | Should -Not -Match '[\x00-\x08\x0b-\x1f\x7f]'
            $shown | Should -Match ([regex]::Escape('perf\x1b]0;PWN\x07\x1b[2J'))
        }
    }
}
