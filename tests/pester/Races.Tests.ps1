# Races and path tricks of a hostile local user against the cmdlets that change files as root. The attacker owns a
# directory on the path (or the home or /tmp directory a capability shell is asked to live in) and, while the
# root-side cmdlet runs 1,000 times in this process, renames names on that path as fast as it can (tools/swap.c:
# renameat2 RENAME_EXCHANGE, or a rename away and back so that a component vanishes). A win is any attempt after
# which the root-owned victim (a capable binary in a directory only root can change), the root-owned file the path
# names inside the attacker's directory, or the group database changed: each of these paths must be refused before
# anything is done, on every attempt.
BeforeDiscovery {
    # The test cases list the module's root-equivalent capabilities.
    . "$PSScriptRoot/common.ps1"
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:Tag = Get-Random -Minimum 10000 -Maximum 99999
    $script:Attempts = 1000
    $script:Attacker = New-TestUser 'psrace'
    $script:Group = "psrace_g$Tag"
    $script:Root = "/tmp/psrace-$Tag"
    $null = New-Item -ItemType Directory $Root
    & chmod 755 $Root
    $script:Swapper = "$Root/swap"
    & gcc -O2 -o $Swapper "$PSScriptRoot/tools/swap.c"
    if ($LASTEXITCODE -ne 0) { throw 'gcc failed to build the swapper' }
    & chmod 755 $Swapper
    # Root-only scratch for the capability shell's files when a test lets one through (never /etc/sudoers.d).
    $script:ShellRoot = New-RootOnlyDirectory 'psrace-shell'
    # Every directory made for the attacker, removed in AfterAll by name (never by a pattern).
    $script:Made = [System.Collections.Generic.List[string]]::new()

    # The victim: a root-owned binary with capabilities in directories only root can change, as /usr/bin/<x> would be.
    $script:Name = "victim$Tag"
    $null = New-Item -ItemType Directory "$Root/sys/a/b"
    & chmod 755 "$Root/sys" "$Root/sys/a" "$Root/sys/a/b"
    $script:Victim = "$Root/sys/$Name"
    Copy-Item /usr/bin/true $Victim
    & chmod 755 $Victim
    & setcap cap_net_raw=ep $Victim

    $script:FS = [PerfSecurity.Native.FileSystem]
    function script:Get-State($Fd) {
        # Owner, mode and capabilities of a file held open: where its name went does not matter.
        $st = $FS::Stat($Fd)
        $caps = [PerfSecurity.Native.Xattr]::Get($Fd, 'security.capability')
        [pscustomobject]@{ Uid = $st.Uid; Gid = $st.Gid; Mode = $st.Permissions; Caps = $caps
            Text = '{0}:{1} {2} {3}' -f $st.Uid, $st.Gid, [Convert]::ToString($st.Permissions, 8), $(if ($caps) { [Convert]::ToHexString($caps) } else { 'none' }) }
    }
    function script:Restore-State($Fd, $State) {
        # After a win (only with the fix reverted): back to the state before, so that each win is counted once.
        $FS::FChown($Fd, $State.Uid, $State.Gid, $null)
        $FS::FChmod($Fd, $State.Mode, $null)
        if ($State.Caps) { [PerfSecurity.Native.Xattr]::Set($Fd, 'security.capability', $State.Caps, $null) }
        else { $null = [PerfSecurity.Native.Xattr]::Remove($Fd, 'security.capability', $null) }
    }

    function script:New-RaceDirectory([string] $Race) {
        <#
        The attacker's directory T in /tmp, with the root-owned things a path through it could name: T/sub (root's)
        holding a root-owned capable copy under the victim's name and a/b; T/link -> the victim's directory;
        T/lnk -> the victim's a/b and T/lnk2 -> T/sub/a/b (for "lnk/../../<name>"). Links and T are the attacker's.
        #>
        $t = "/tmp/psrace$Tag-$Race"
        $Made.Add($t); $Made.Add("$t.x")
        $null = New-Item -ItemType Directory "$t/sub/a/b"
        & chmod 755 $t "$t/sub" "$t/sub/a" "$t/sub/a/b"
        Copy-Item /usr/bin/true "$t/sub/$Name"
        & chmod 755 "$t/sub/$Name"
        & setcap cap_net_raw=ep "$t/sub/$Name"
        & chown "${Attacker}:" $t
        & runuser -u $Attacker -- ln -s "$Root/sys" "$t/link"
        & runuser -u $Attacker -- ln -s "$Root/sys/a/b" "$t/lnk"
        & runuser -u $Attacker -- ln -s "$t/sub/a/b" "$t/lnk2"
        $t
    }

    function script:Invoke-Race {
        <#
        Starts the swapper as the attacker with $Operations, runs $Attempt ($Argument passed) $Attempts times, and after
        each attempt compares the files in $Watch (held open) with what they were, and asks $Changed whether anything
        else was made. Returns the error ids seen, the wins (attempts after which something changed) and the swapper's rounds.
        #>
        param([string[]] $Operations, [scriptblock] $Attempt, $Argument, [string[]] $Watch, [scriptblock] $Changed = { $false })
        $fds = @($Watch | ForEach-Object { $FS::Open($_, $FS::O_RDONLY) })
        $before = @($fds | ForEach-Object { Get-State $_ })
        $psi = [System.Diagnostics.ProcessStartInfo]::new('setpriv')
        foreach ($a in @('--reuid', $Attacker, '--regid', $Attacker, '--init-groups', $Swapper) + $Operations) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $swapper = [System.Diagnostics.Process]::Start($psi)
        $outcomes = @{}
        $wins = [System.Collections.Generic.List[string]]::new()
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        try {
            Start-Sleep -Milliseconds 50
            if ($swapper.HasExited) { throw "The swapper did not start: $($swapper.StandardError.ReadToEnd())" }
            for ($i = 0; $i -lt $Attempts; $i++) {
                $err = $null
                try { $null = & $Attempt $Argument } catch { $err = $_ }
                $id = if ($err) { ($err.FullyQualifiedErrorId -split ',')[0] } else { 'Done' }
                $outcomes[$id] = 1 + [int]$outcomes[$id]
                $now = @($fds | ForEach-Object { Get-State $_ })
                $diff = @(for ($k = 0; $k -lt $fds.Count; $k++) {
                        if ($now[$k].Text -ne $before[$k].Text) { "$($Watch[$k]): $($before[$k].Text) -> $($now[$k].Text)"; Restore-State $fds[$k] $before[$k] }
                    })
                if (& $Changed) { $diff += 'the group or the capability shell files were created' }
                if ($diff) { $wins.Add("attempt $i ($id): $($diff -join '; ')") }
            }
            $clock.Stop()
            if ($swapper.HasExited) { throw "The swapper stopped before the last attempt: $($swapper.StandardError.ReadToEnd())" }
        }
        finally {
            & kill -TERM $swapper.Id
            $swapper.WaitForExit()
            foreach ($fd in $fds) { $fd.Dispose() }
        }
        $rounds = [long]("0" + $swapper.StandardOutput.ReadToEnd().Trim())
        [pscustomobject]@{ Outcomes = $outcomes; Wins = $wins; Rounds = $rounds
            Summary = "$Attempts attempts in $([Math]::Round($clock.Elapsed.TotalSeconds, 1)) s against $rounds swapper rounds, $($wins.Count) wins; " +
                (($outcomes.GetEnumerator() | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Value)" }) -join ' ') }
    }
}

AfterAll {
    & groupdel $Group 2>$null
    Remove-TestUser $Attacker
    # By name: rm -rf does not follow the attacker's links.
    foreach ($d in @($Root, $ShellRoot, "/home/$Attacker") + $Made) { if ($d) { & rm -rf -- $d } }
}

Describe 'Races of a user who controls a directory on the path' -Tag Security, Unprivileged {
    It '<Cmdlet>: <Attack> (1,000 attempts, 0 wins)' -Tag Security -ForEach @(
        @{ Cmdlet = 'Set-PerfCapability'; Attack = 'a directory on the way swapped for a link to the victim''s, its parent renamed away and back'
           Race = 'set-dir'; Ops = { param($t) 'm', $t, "$t.x", 'm', "$t.x", $t, 'x', "$t/sub", "$t/link" }
           Attempt = { param($t) Set-PerfCapability -LiteralPath "$t/sub/$Name" -Capability cap_perfmon -ErrorAction Stop }
           Expected = 'PerfCapabilityUntrustedPath', 'PerfCapabilityFileNotFound' }
        @{ Cmdlet = 'New-PerfUsersGroup'; Attack = 'a directory on the way swapped for a link to the victim''s, its parent renamed away and back'
           Race = 'group-dir'; Ops = { param($t) 'm', $t, "$t.x", 'm', "$t.x", $t, 'x', "$t/sub", "$t/link" }
           Attempt = { param($t) New-PerfUsersGroup -Name $Group -Path "$t/sub/$Name" -ErrorAction Stop }
           Expected = 'PerfUsersGroupUntrustedPath', 'PerfUsersGroupFileNotFound', 'PerfUsersGroupPerfNotFound' }
        @{ Cmdlet = 'Remove-PerfCapability'; Attack = 'through the user''s link to the victim''s directory, swapped with a real one'
           Race = 'remove-link'; Ops = { param($t) 'x', "$t/link", "$t/sub" }
           Attempt = { param($t) Remove-PerfCapability -LiteralPath "$t/link/$Name" -ErrorAction Stop }
           Expected = 'PerfCapabilityUntrustedPath' }
        @{ Cmdlet = 'Set-PerfCapability'; Attack = '"lnk/../../<name>": ".." after the user''s link, which names /tmp/<name> by text'
           Race = 'dotdot'; Ops = { param($t) 'x', "$t/lnk", "$t/lnk2" }
           Attempt = { param($t) Set-PerfCapability -LiteralPath "$t/lnk/../../$Name" -Capability cap_perfmon -ErrorAction Stop }
           Expected = 'PerfCapabilityUntrustedPath' }
        @{ Cmdlet = 'Set-PerfCapability'; Attack = 'a component that vanishes (the user''s directory renamed away and back)'
           Race = 'vanish'; Ops = { param($t) 'm', $t, "$t.x", 'm', "$t.x", $t }
           Attempt = { param($t) Set-PerfCapability -LiteralPath "$t/sub/$Name" -Capability cap_perfmon -ErrorAction Stop }
           Expected = 'PerfCapabilityUntrustedPath', 'PerfCapabilityFileNotFound' }
    ) {
        $t = New-RaceDirectory $Race
        $r = Invoke-Race -Operations (& $Ops $t) -Attempt $Attempt -Argument $t -Watch $Victim, "$t/sub/$Name" `
            -Changed { if ([PerfSecurity.Native.Accounts]::GroupByName($Group)) { & groupdel $Group; $true } }
        Write-Host "$Cmdlet, $Attack`: $($r.Summary)"
        $r.Rounds | Should -BeGreaterThan 0
        $r.Wins | Should -BeNullOrEmpty -Because 'neither the victim, nor the file the path names, nor the groups may change'
        @($r.Outcomes.Keys | Where-Object { $_ -notin $Expected }) | Should -BeNullOrEmpty -Because "every attempt must be refused ($($r.Summary))"
    }
}

Describe 'The capability shell script where a member could replace it' -Tag Security, Unprivileged {
    It 'New-PerfCapabilityShell refuses a script in <Where> up front while the member swaps the directory (1,000 attempts)' -Tag Security -ForEach @(
        @{ Where = 'the member''s home directory'; Base = { "/home/$Attacker" } }
        @{ Where = 'a directory of the member''s under /tmp'; Base = { "/tmp/psrace$Tag-shell" } }
    ) {
        # The member owns the directory and swaps bin with a copy, as it would to put its own script in place.
        $base = & $Base
        $Made.Add($base)
        $null = New-Item -ItemType Directory "$base/bin", "$base/bin.alt"
        & chown -R "${Attacker}:" $base
        & chmod 755 $base "$base/bin" "$base/bin.alt"
        $rule = "$ShellRoot/rule"
        $r = Invoke-Race -Operations 'x', "$base/bin", "$base/bin.alt" -Argument $base -Watch $Victim -Attempt {
            param($b) New-PerfCapabilityShell -Path "$b/bin/perf-shell" -Group $Attacker -SudoersPath "$ShellRoot/rule" -NoPassword -ErrorAction Stop -WarningAction SilentlyContinue
        } -Changed { [IO.File]::Exists("$base/bin/perf-shell") -or [IO.File]::Exists("$base/bin.alt/perf-shell") -or [IO.File]::Exists($rule) }
        Write-Host "New-PerfCapabilityShell in $Where`: $($r.Summary)"
        $r.Wins | Should -BeNullOrEmpty
        $r.Outcomes.Keys | Should -Be 'PerfCapabilityShellUnsafeLocation'
        Get-ChildItem -Force -LiteralPath "$base/bin", "$base/bin.alt", $ShellRoot | Should -BeNullOrEmpty
    }

    It 'asks before writing a shell with <Cap> (root-equivalent) and writes nothing without -Force' -Tag Security -ForEach @(
        [PerfSecurity.Capabilities.RootEquivalence]::Set.Names() | ForEach-Object { @{ Cap = $_ } }
    ) {
        # A host that cannot answer ShouldContinue: the command must ask, so it fails there, and write nothing.
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$ModuleDir'; New-PerfCapabilityShell -Path '$ShellRoot/perf-shell' -SudoersPath '$ShellRoot/rule' -Group $Attacker -Capability cap_perfmon, $Cap -WarningAction SilentlyContinue")
            $null = $ps.Invoke()
            $asked = @($ps.Streams.Error | Where-Object FullyQualifiedErrorId -Like 'HostFunctionNotImplemented*')
        }
        finally { $ps.Dispose() }
        $asked.Count | Should -Be 1 -Because 'the command must have asked for confirmation'
        "$($asked[0])" | Should -Match $Cap.ToUpperInvariant()
        Get-ChildItem -Force -LiteralPath $ShellRoot | Should -BeNullOrEmpty
    }

    It 'writes a root-equivalent shell with -Force, and does not ask for cap_perfmon' -Tag Security {
        try {
            New-PerfCapabilityShell -Path "$ShellRoot/perf-shell" -SudoersPath "$ShellRoot/rule" -Group $Attacker -Capability cap_perfmon -WarningAction SilentlyContinue
            [IO.File]::ReadAllText("$ShellRoot/perf-shell") | Should -Match '--iab=\^cap_perfmon '
            New-PerfCapabilityShell -Path "$ShellRoot/perf-shell" -SudoersPath "$ShellRoot/rule" -Group $Attacker -Capability cap_perfmon, cap_setuid -Force -WarningAction SilentlyContinue
            [IO.File]::ReadAllText("$ShellRoot/perf-shell") | Should -Match '--iab=\^cap_setuid,\^cap_perfmon '
        }
        finally {
            foreach ($f in "$ShellRoot/perf-shell", "$ShellRoot/rule") { [IO.File]::Delete($f) }
        }
    }

    It 'Set-PerfCapability asks before granting <Cap> too (one list of root-equivalent capabilities)' -Tag Security -ForEach @(
        [PerfSecurity.Capabilities.RootEquivalence]::Set.Names() | ForEach-Object { @{ Cap = $_ } }
    ) {
        $f = "$Root/sys/scratch-$Cap"
        Copy-Item /usr/bin/true $f
        & chmod 755 $f
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$ModuleDir'; Set-PerfCapability -LiteralPath '$f' -Capability $Cap")
            $null = $ps.Invoke()
            $asked = @($ps.Streams.Error | Where-Object FullyQualifiedErrorId -Like 'HostFunctionNotImplemented*')
        }
        finally { $ps.Dispose() }
        $asked.Count | Should -Be 1 -Because 'the command must have asked for confirmation'
        & getcap $f | Should -BeNullOrEmpty
    }
}
