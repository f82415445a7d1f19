# The perf users group and the capability shell, proved with real users against the kernel.
# Every group, user, file, mount and sudoers drop-in made here is removed in AfterAll/finally.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:Tag = Get-Random -Minimum 10000 -Maximum 99999
    $script:Group = "pug_t$Tag"
    $script:Member = New-TestUser 'pugm'
    $script:Other = New-TestUser 'pugo'
    # Root's alone up to /: the capability shell script may not live where others could replace it.
    $script:Dir = New-RootOnlyDirectory 'perfusers'
    $script:Copy = "$Dir/perf"
    Copy-Item /usr/bin/perf $Copy
    & chmod 755 $Copy
    $script:Mounts = [System.Collections.Generic.List[string]]::new()
    $script:Sudoers = "/etc/sudoers.d/pugtest$Tag"

    function script:Invoke-As([string] $User, [string[]] $Command) {
        $out = & runuser -u $User -- @Command 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Text = ($out | Out-String) }
    }
    function script:Get-Snapshot([string[]] $Path = @()) {
        # Get-Snapshot limited to what these tests own: other suites on this machine change the
        # paranoid level and add users at any moment. Our paths, our group's entry, our sudoers drop-in.
        $own = (Get-SystemFingerprint -Path $Path) -split "`n" | Where-Object { $l = $_; @($Path | Where-Object { $l.StartsWith("$_ ") }).Count -gt 0 }
        @($own) + @("group: $(getent group $Group)", "sudoers: $(if (Test-Path $Sudoers) { (Get-FileHash $Sudoers).Hash })") -join "`n"
    }
    function script:Test-Exposed([string] $Path) {
        # A capable binary that others may execute: what no failure may leave behind.
        $mode = [Convert]::ToInt32((& stat -c '%a' $Path), 8)
        $caps = & getcap $Path
        [bool]($caps) -and ($mode -band 1)
    }
}

AfterAll {
    foreach ($m in $Mounts) { & umount -l $m 2>$null }
    Remove-Item -Force $Sudoers -ErrorAction SilentlyContinue
    Remove-TestUser $Member
    Remove-TestUser $Other
    & groupdel $Group 2>$null
    Remove-Item -Recurse -Force $Dir -ErrorAction SilentlyContinue
}

Describe 'New-PerfUsersGroup' {
    It '-WhatIf shows each step and changes nothing' {
        $before = Get-Snapshot -Path $Copy
        $out = & dotnet "$PSHOME/pwsh.dll" -NoProfile -NonInteractive -c "Import-Module '$ModuleDir'; New-PerfUsersGroup -Name $Group -Path $Copy -Member $Member -WhatIf" | Out-String
        Get-Snapshot -Path $Copy | Should -Be $before
        (getent group $Group) | Should -BeNullOrEmpty
        foreach ($step in 'groupadd', 'fchown', 'fchmod o-rwx', 'fsetxattr', 'Add to the group') { $out | Should -Match ([regex]::Escape($step)) }
    }

    It 'creates the group, restricts the binary, sets the capabilities and adds the member' {
        $r = New-PerfUsersGroup -Name $Group -Path $Copy -Member $Member -PassThru
        $r.Changed | Should -BeTrue
        $r.Compliant | Should -BeTrue -Because ($r.Findings -join '; ')
        $r.Members | Should -Contain $Member
        (& stat -c '%U:%G %a' $Copy) | Should -Be "root:${Group} 750"
        (& getcap $Copy) | Should -Match ' cap_syslog,cap_perfmon=ep'
    }

    It 'lets a member count system-wide at paranoid 2 and denies others the binary' -Tag Kernel, Unprivileged {
        Use-ParanoidLevel 2 {
            $m = Invoke-As $Member @($Copy, 'stat', '-a', '-e', 'task-clock', 'sleep', '0.1')
            $m.ExitCode | Should -Be 0 -Because $m.Text
            $m.Text | Should -Match 'task-clock'
            $o = Invoke-As $Other @($Copy, 'stat', '-e', 'task-clock', 'true')
            $o.ExitCode | Should -Not -Be 0
            $o.Text | Should -Match 'Permission denied'
        }
    }

    It 'changes nothing the second time and says so' {
        $before = Get-Snapshot -Path $Copy
        $verbose = New-PerfUsersGroup -Name $Group -Path $Copy -Member $Member -PassThru -Verbose 4>&1
        ($verbose | Where-Object { $_ -is [PerfSecurity.PerfUsersGroup] }).Changed | Should -BeFalse
        ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Out-String) | Should -Match 'nothing to change'
        Get-Snapshot -Path $Copy | Should -Be $before
    }

    It '-WhatIf on a configured binary changes nothing' {
        & chmod 755 $Copy   # drift: what -WhatIf would repair
        try {
            $before = Get-Snapshot -Path $Copy
            New-PerfUsersGroup -Name $Group -Path $Copy -WhatIf
            Get-Snapshot -Path $Copy | Should -Be $before
        }
        finally { New-PerfUsersGroup -Name $Group -Path $Copy }
        (& stat -c '%a' $Copy) | Should -Be '750'
    }

    It 'drops old capabilities before others lose access, and adds cap_ipc_lock on request' {
        $c2 = "$Dir/perf-recap"
        Copy-Item $Copy $c2; & chmod 755 $c2; & setcap 'cap_sys_admin=ep' $c2
        $r = New-PerfUsersGroup -Name $Group -Path $c2 -IncludeIpcLock -PassThru
        $r.Changes[0] | Should -Match '^RemoveCapabilities'
        $r.Capabilities | Should -Be 'cap_ipc_lock,cap_syslog,cap_perfmon=ep'
        Test-Exposed $c2 | Should -BeFalse
    }

    It 'targets the real binary behind a wrapper script and says which' {
        $real = "$Dir/perf_9.9"
        $wrapper = "$Dir/perf-wrapper"
        Copy-Item /usr/bin/perf $real; & chmod 755 $real
        Set-Content $wrapper "#!/bin/sh`nexec $real `"`$@`"`n"; & chmod 755 $wrapper
        $w = New-PerfUsersGroup -Name $Group -Path $wrapper -PassThru 3>&1
        ($w | Where-Object { $_ -is [System.Management.Automation.WarningRecord] } | Out-String) | Should -Match 'wrapper script'
        $g = $w | Where-Object { $_ -is [PerfSecurity.PerfUsersGroup] }
        $g.Path | Should -Be $real
        $g.WrapperPath | Should -Be $wrapper
        (& getcap $wrapper) | Should -BeNullOrEmpty
        (& getcap $real) | Should -Match 'cap_perfmon'
    }

    It 'runs the -Grant Acl example of its help as written (with this test''s folder and group) and prints what the help shows' -Tag Kernel, Unprivileged {
        # The example's commands and output, from the help source; /opt/perf and perf_users become ours.
        $md = Get-Content -Raw "$RepoRoot/docs/help/New-PerfUsersGroup.md"
        $m = [regex]::Match($md, '(?s)### Example 3:[^\n]*\n```powershell\n(?<code>.*?)```\n```output\n(?<output>.*?)```')
        $m.Success | Should -BeTrue
        $own = { param($t) $t.Replace('/opt/perf', "$Dir/opt-perf").Replace('perf_users', $Group) }
        $out = Invoke-Expression (& $own $m.Groups['code'].Value) | Out-String
        $lines = { param($t) @(($t -replace '\e\[[0-9;]*m', '') -split "`n" | ForEach-Object TrimEnd | Where-Object { $_ }) }
        (& $lines $out) | Should -Be (& $lines (& $own $m.Groups['output'].Value))
        (& stat -c '%U:%G %a' "$Dir/opt-perf/perf") | Should -Be 'root:root 750'
        (& getcap "$Dir/opt-perf/perf") | Should -Match ' cap_syslog,cap_perfmon=ep'
        Use-ParanoidLevel 2 {
            $r = Invoke-As $Member @("$Dir/opt-perf/perf", 'stat', '-a', '-e', 'task-clock', 'true')
            $r.ExitCode | Should -Be 0 -Because $r.Text
            (Invoke-As $Other @("$Dir/opt-perf/perf", 'stat', '-a', '-e', 'task-clock', 'true')).Text | Should -Match 'Permission denied'
        }
    }

    It 'refuses an unknown member before changing anything' {
        $before = Get-Snapshot -Path $Copy
        { New-PerfUsersGroup -Name "pug_x$Tag" -Path $Copy -Member "nosuchuser$Tag" } | Should -Throw -ErrorId 'PerfUsersGroupUserNotFound,PerfSecurity.Commands.NewPerfUsersGroupCommand'
        Get-Snapshot -Path $Copy | Should -Be $before
    }

    Context 'a failure at each step leaves no capable binary that others may execute' -Tag Kernel {
        It 'a name groupadd would reject is refused first: PerfAccountNameInvalid, nothing changed' {
            $f = "$Dir/perf-badname"; Copy-Item /usr/bin/perf $f; & chmod 755 $f
            $before = Get-Snapshot -Path $f
            $err = $null
            try { New-PerfUsersGroup -Name 'bad name!' -Path $f } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'PerfAccountNameInvalid,*'
            $err.Exception.Message | Should -Match "-Name 'bad name!' is not a valid group name"
            Get-Snapshot -Path $f | Should -Be $before
            Test-Exposed $f | Should -BeFalse
        }

        It 'a read-only bind mount: PerfUsersGroupChownFailed, binary untouched' {
            $src = "$Dir/ro-src"; $mnt = "$Dir/ro"
            $null = New-Item -ItemType Directory $src, $mnt
            Copy-Item /usr/bin/perf "$src/perf"; & chmod 755 "$src/perf"
            & mount --bind $src $mnt; $Mounts.Add($mnt)
            & mount -o remount,bind,ro $mnt
            $err = $null
            try { New-PerfUsersGroup -Name $Group -Path "$mnt/perf" } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'PerfUsersGroupChownFailed,*'
            $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
            (& stat -c '%U:%G %a' "$src/perf") | Should -Be 'root:root 755'
            Test-Exposed "$src/perf" | Should -BeFalse
        }

        It 'a nosuid tmpfs: PerfUsersGroupNosuidMount before any change' {
            $mnt = "$Dir/nosuid"
            $null = New-Item -ItemType Directory $mnt
            & mount -t tmpfs -o nosuid,size=64m tmpfs $mnt; $Mounts.Add($mnt)
            Copy-Item /usr/bin/perf "$mnt/perf"; & chmod 755 "$mnt/perf"
            $before = Get-Snapshot -Path "$mnt/perf"
            $err = $null
            try { New-PerfUsersGroup -Name $Group -Path "$mnt/perf" } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'PerfUsersGroupNosuidMount,*'
            $err.Exception.Message | Should -Match 'New-PerfCapabilityShell'
            Get-Snapshot -Path "$mnt/perf" | Should -Be $before
        }
    }

        It 'a filesystem without security.* xattrs (ramfs): PerfUsersGroupSetCapabilitiesFailed, binary left without capabilities' {
            $mnt = "$Dir/ramfs"
            $null = New-Item -ItemType Directory $mnt
            & mount -t ramfs ramfs $mnt; $Mounts.Add($mnt)
            Copy-Item /usr/bin/perf "$mnt/perf"; & chmod 755 "$mnt/perf"
            $err = $null
            try { New-PerfUsersGroup -Name $Group -Path "$mnt/perf" } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'PerfUsersGroupSetCapabilitiesFailed,*'
            $err.Exception.Message | Should -Match "Step 'SetCapabilities' failed"
            $err.Exception.Message | Should -Match 'does not support'
            Test-Exposed "$mnt/perf" | Should -BeFalse
            (& stat -c '%a' "$mnt/perf") | Should -Be '750'
            $e2 = $null
            try { Set-PerfCapability -Path "$mnt/perf" -Capability cap_perfmon } catch { $e2 = $_ }
            $e2.FullyQualifiedErrorId | Should -BeLike 'PerfCapabilityNotSupported,*'
        }

        It 'groupadd and visudo failing (bind-mounted over /usr/sbin in a private mount namespace): named failures, nothing written' {
            # The module runs these from fixed system folders, so PATH cannot inject them: a failing
            # script is bind-mounted over each, visible only inside "unshare -m".
            $fail = "$Dir/failing-tool"
            Set-Content $fail "#!/bin/sh`necho 'injected failure' >&2`nexit 3"
            & chmod 755 $fail
            $f = "$Dir/perf-injected"; Copy-Item /usr/bin/perf $f; & chmod 755 $f
            $before = Get-Snapshot -Path $f
            $cmd = "Import-Module '$ModuleDir'; " +
                "try { New-PerfUsersGroup -Name 'pug_inj$Tag' -Path '$f' } catch { 'group: ' + `$_.FullyQualifiedErrorId + ': ' + `$_.Exception.Message }; " +
                "try { New-PerfCapabilityShell -Path '$Dir/inj-shell' -Group $Group -SudoersPath '$Dir/inj-sudoers' -WarningAction SilentlyContinue } catch { 'shell: ' + `$_.FullyQualifiedErrorId + ': ' + `$_.Exception.Message }"
            $out = & unshare -m --propagation private sh -c "mount --bind '$fail' /usr/sbin/groupadd && mount --bind '$fail' /usr/sbin/visudo && exec dotnet '$PSHOME/pwsh.dll' -NoProfile -NonInteractive -Command `"`$0`"" $cmd 2>&1
            $text = $out -join "`n"
            $text | Should -Match "group: PerfUsersGroupCreateFailed,[^:]*: Step 'CreateGroup' failed: Creating the group 'pug_inj$Tag' failed: groupadd exited with 3: injected failure"
            $text | Should -Match 'shell: PerfCapabilityShellSudoersInvalid,[^:]*: visudo rejected .*\(exit 3\): injected failure\. Nothing was written\.'
            # Nothing changed, and the real system never saw the bind mounts.
            Get-Snapshot -Path $f | Should -Be $before
            Test-Path "$Dir/inj-shell", "$Dir/inj-sudoers" | Should -Be @($false, $false)
            (& getent group "pug_inj$Tag") | Should -BeNullOrEmpty
            (& findmnt -n /usr/sbin/visudo) | Should -BeNullOrEmpty
            (& findmnt -n /usr/sbin/groupadd) | Should -BeNullOrEmpty
        }
}

Describe 'Get-PerfUsersGroup' {
    It 'reports a configured group as compliant' {
        $g = Get-PerfUsersGroup -Name $Group -Path $Copy
        $g.Gid | Should -Be ([int](getent group $Group).Split(':')[2])
        $g.Mode | Should -Be '0750'
        $g.Compliant | Should -BeTrue -Because ($g.Findings -join '; ')
    }

    It 'finds a world-executable capable binary and a binary whose capabilities were lost' {
        $f = "$Dir/perf-drift"; Copy-Item /usr/bin/perf $f
        & chown "root:$Group" $f; & chmod 755 $f; & setcap 'cap_perfmon=ep' $f
        try {
            (Get-PerfUsersGroup -Name $Group -Path $f).Findings | Should -Contain 'world-executable with capabilities'
        } finally { & setcap -r $f }
        $g = Get-PerfUsersGroup -Name $Group -Path $f
        $g.Findings | Should -Contain 'capabilities lost (binary replaced by a package upgrade?)'
        $g.Compliant | Should -BeFalse
        & chown root:root $f
        (Get-PerfUsersGroup -Name $Group -Path $f).Findings | Should -Contain 'binary group is not the perf users group'
    }

    It 'reports who else may execute the binary through its ACL, and shows them in the table' -Tag Unprivileged {
        $f = "$Dir/perf-aclreport"; Copy-Item /usr/bin/perf $f
        & chown "root:$Group" $f; & chmod 750 $f; & setcap 'cap_perfmon=ep' $f
        & setfacl -m "u:${Other}:rx,g:${Other}:r,g:${Member}:x" $f
        & setfacl -m 'm::rx' $f
        $g = Get-PerfUsersGroup -Name $Group -Path $f
        # group:<Other>:r-- grants no x; the others are outsiders, whatever the mode says of others.
        $g.Outsiders | Should -Be @("user:$Other", "group:$Member")
        # getfacl's lines, in the kernel's order (named groups by gid).
        $g.Acl | Should -Be @(& getfacl --omit-header --absolute-names $f | Where-Object { $_ })
        $g.Acl | Should -Contain "group:${Other}:r--"
        $g.Compliant | Should -BeFalse
        ($g | Out-String -Width 400) | Should -Match ([regex]::Escape("user:$Other,group:$Member"))
        # The kernel agrees: the named user may execute it.
        (Invoke-As $Other @($f, '--version')).ExitCode | Should -Be 0
        & setfacl -x "u:$Other" $f
        (Get-PerfUsersGroup -Name $Group -Path $f).Outsiders | Should -Be @("group:$Member")
        & setfacl -b $f
        (Get-PerfUsersGroup -Name $Group -Path $f).Compliant | Should -BeTrue
    }

    It 'counts users whose primary group it is as members' {
        $primary = "pugp$Tag"
        & useradd --no-create-home --shell /bin/sh --gid $Group $primary
        try {
            $g = Get-PerfUsersGroup -Name $Group -Path $Copy
            $g.Members | Should -Contain $primary
            $g.Members | Should -Contain $Member
        }
        finally { Remove-TestUser $primary }
    }

    It 'takes group names from the pipeline and completes them' {
        ($Group | Get-PerfUsersGroup -Path $Copy).Name | Should -Be $Group
        $c = TabExpansion2 -inputScript "Get-PerfUsersGroup -Name $($Group.Substring(0, 6))" -cursorColumn ("Get-PerfUsersGroup -Name $($Group.Substring(0, 6))").Length
        $c.CompletionMatches.CompletionText | Should -Contain $Group
    }
}

Describe 'Add-PerfUsersGroupMember and Remove-PerfUsersGroupMember' {
    It 'adds by pipeline, changes nothing the second time, removes by property name' {
        $r = $Other | Add-PerfUsersGroupMember -Name $Group -PassThru
        $r.IsMember | Should -BeTrue; $r.Changed | Should -BeTrue
        (Add-PerfUsersGroupMember -UserName $Other -Name $Group -PassThru).Changed | Should -BeFalse
        $before = Get-Snapshot
        [pscustomobject]@{ UserName = $Other } | Remove-PerfUsersGroupMember -Name $Group -WhatIf
        Get-Snapshot | Should -Be $before
        $d = [pscustomobject]@{ UserName = $Other } | Remove-PerfUsersGroupMember -Name $Group -PassThru
        $d.IsMember | Should -BeFalse; $d.Changed | Should -BeTrue
        (getent group $Group) | Should -Not -Match "\b$Other\b"
    }

    It 'reports an unknown user as ObjectNotFound' {
        Add-PerfUsersGroupMember -UserName "nosuch$Tag" -Name $Group -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'PerfUsersGroupUserNotFound,*'
        $ev[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'completes user names' {
        $line = "Add-PerfUsersGroupMember -UserName $($Member.Substring(0, 5))"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain $Member
    }
}

Describe 'New-PerfCapabilityShell and Remove-PerfCapabilityShell' {
    BeforeAll { $script:Shell = "$Dir/perf-shell" }

    It 'refuses a group name that is not a valid name and writes nothing' {
        $before = Get-Snapshot -Path "$Dir/bad-shell"
        $err = $null
        try { New-PerfCapabilityShell -Path "$Dir/bad-shell" -Group 'bad group' -SudoersPath "$Dir/badsudoers" } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'PerfAccountNameInvalid,*'
        $err.Exception.Message | Should -Match 'a space'
        Test-Path "$Dir/bad-shell" | Should -BeFalse
        Test-Path "$Dir/badsudoers" | Should -BeFalse
        Get-Snapshot -Path "$Dir/bad-shell" | Should -Be $before
    }

    It '-WhatIf writes nothing' {
        New-PerfCapabilityShell -Path $Shell -Group $Group -SudoersPath $Sudoers -NoPassword -WhatIf
        Test-Path $Shell | Should -BeFalse
        Test-Path $Sudoers | Should -BeFalse
    }

    It 'writes the script and a rule that passes visudo; a member gets cap_perfmon in the ambient set and perf works' -Tag Kernel, Unprivileged {
        $s = New-PerfCapabilityShell -Path $Shell -Group $Group -SudoersPath $Sudoers -NoPassword -PassThru
        $s.Changed | Should -BeTrue
        (& stat -c '%U:%G %a' $Shell) | Should -Be 'root:root 755'
        (& stat -c '%U:%G %a' $Sudoers) | Should -Be 'root:root 440'
        (Get-Content $Shell -Raw) | Should -Match ([regex]::Escape('--iab=^cap_perfmon --secbits=239 --user="$SUDO_USER" -- -l "$@"'))
        & visudo -c *> $null; $LASTEXITCODE | Should -Be 0
        $caps = Invoke-As $Member @('sudo', '-n', $Shell, '-c', 'grep Cap /proc/self/status')
        $caps.ExitCode | Should -Be 0 -Because $caps.Text
        $amb = ($caps.Text -split "`n" | Where-Object { $_ -match '^CapAmb' }) -replace '^CapAmb:\s*', ''
        [PerfSecurity.Capabilities.CapabilitySet]::ParseMask($amb, $false).Names() | Should -Contain 'cap_perfmon'
        Use-ParanoidLevel 2 {
            $p = Invoke-As $Member @('sudo', '-n', $Shell, '-c', 'perf stat -a -e task-clock sleep 0.1')
            $p.ExitCode | Should -Be 0 -Because $p.Text
            $p.Text | Should -Match 'task-clock'
        }
        $o = Invoke-As $Other @('sudo', '-n', $Shell, '-c', 'id')
        $o.ExitCode | Should -Not -Be 0
    }

    It 'changes nothing the second time' {
        $before = Get-Snapshot -Path $Shell
        (New-PerfCapabilityShell -Path $Shell -Group $Group -SudoersPath $Sudoers -NoPassword -PassThru).Changed | Should -BeFalse
        Get-Snapshot -Path $Shell | Should -Be $before
    }

    It 'removes both, and leaves a script it did not write alone' {
        $foreign = "$Dir/foreign-shell"; Set-Content $foreign "#!/bin/sh`necho hi"
        { Remove-PerfCapabilityShell -Path $foreign -SudoersPath "$Dir/none" } | Should -Throw -ErrorId 'PerfCapabilityShellNotOurs,PerfSecurity.Commands.RemovePerfCapabilityShellCommand'
        Test-Path $foreign | Should -BeTrue
        Remove-PerfCapabilityShell -Path $Shell -SudoersPath $Sudoers -WhatIf
        Test-Path $Sudoers | Should -BeTrue
        Remove-PerfCapabilityShell -Path $Shell -SudoersPath $Sudoers
        Test-Path $Shell | Should -BeFalse
        Test-Path $Sudoers | Should -BeFalse
    }
}
