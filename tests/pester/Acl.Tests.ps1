# POSIX ACLs on the capable perf binary, replayed as a local user attacked it: an ACL entry for the outsider (by
# user, by group, or inherited from a directory's default ACL) let the outsider run a capable perf with
# "perf stat -a" at paranoid 2, and New-PerfUsersGroup left it and said Compliant. Each case shows the attack
# working on a private capable copy of the real perf, the reports naming the outsider, then New-PerfUsersGroup
# closing it: the kernel refuses the outsider and still lets a member count system-wide.
# Every user, group and file made here is removed in AfterAll; the paranoid level is restored after each use.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:Tag = Get-Random -Minimum 10000 -Maximum 99999
    $script:Group = "pacl_g$Tag"
    $script:Owning = "pacl_own$Tag"
    $script:Member = New-TestUser 'paclm'
    $script:Outsider = New-TestUser 'paclo'
    & groupadd $Group; & groupadd $Owning
    & gpasswd -a $Member $Group > $null
    # The outsider belongs to the group that owns the binary in the -Grant Acl case.
    & gpasswd -a $Outsider $Owning > $null
    # A root-owned directory that everyone may enter, holding private copies of the real perf (never the system's).
    $script:Dir = "/tmp/perfacl-$Tag"
    $null = New-Item -ItemType Directory $Dir
    & chmod 755 $Dir
    $perf = (Get-Command perf -CommandType Application | Select-Object -First 1).Source
    $script:RealPerf = (Get-PerfToolInfo -Path $perf -NoExecute).RealBinary
    $script:Caps = 'cap_syslog,cap_perfmon=ep'

    function script:Invoke-As([string] $User, [string[]] $Command) {
        $out = & runuser -u $User -- @Command 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Text = ($out | Out-String) }
    }
    function script:Invoke-PerfStat([string] $User, [string] $Path) {
        # System-wide counting: at paranoid 2 only CAP_PERFMON (from the binary's file capabilities) allows it.
        Use-ParanoidLevel 2 { Invoke-As $User @($Path, 'stat', '-a', '-e', 'task-clock', 'true') }
    }
    function script:New-CapableCopy([string] $Path) {
        # The binary as the procedure left it before ACLs were looked at: root:group, 0750, the document's capabilities.
        & cp $RealPerf $Path
        & chown "root:$Group" $Path
        & chmod 750 $Path
        & setcap $Caps $Path
        if ($LASTEXITCODE -ne 0) { throw "setcap $Path failed" }
    }
    function script:Get-FileAcl([string] $Path) { @(& getfacl --omit-header --absolute-names $Path | Where-Object { $_ }) }
    function script:Get-Audit([string] $Path, [string] $Id) {
        Invoke-PerfSecurityAudit -Profile PerfSecurityGuide -Path $Path -Id $Id
    }

    # The replay shared by the three ways an entry reaches the binary.
    function script:Test-AclAttack([string] $Path, [string] $Entry, [string] $Outside) {
        (Get-FileAcl $Path) | Should -Contain $Entry
        (& getcap $Path) | Should -Match ([regex]::Escape($Caps))

        # The attack: the outsider runs the capable copy and counts system-wide.
        $before = Invoke-PerfStat $Outsider $Path
        $before.ExitCode | Should -Be 0 -Because "the ACL entry $Entry lets the outsider in: $($before.Text)"
        $before.Text | Should -Match 'task-clock'

        # Both reports name the outsider.
        $g = Get-PerfUsersGroup -Name $Group -Path $Path
        $g.Compliant | Should -BeFalse
        $g.Outsiders | Should -Contain $Outside
        $g.Acl | Should -Contain $Entry
        $g.Findings | Should -Contain "$([PerfSecurity.Groups.PerfUsersGroupInspector]::AclOutsiders): $Outside"
        $f = Get-Audit $Path 'PERF-BINARY-ACL'
        $f.Status | Should -Be 'Fail'
        $f.Actual | Should -Match "^$([regex]::Escape($Outside)) may execute it"
        $f.Remediation | Should -Be "New-PerfUsersGroup -Name '$Group' -Path '$Path'"

        # The repair. The kernel now refuses the outsider at exec, and a member still counts system-wide.
        $r = New-PerfUsersGroup -Name $Group -Path $Path -PassThru
        $after = Invoke-PerfStat $Outsider $Path
        $after.ExitCode | Should -Not -Be 0 -Because "New-PerfUsersGroup must close the ACL entry ${Entry}: $($after.Text)"
        $after.Text | Should -Match 'Permission denied'
        # One step naming the entry, made on the descriptor; the binary keeps its capabilities.
        $r.Changes | Should -Contain "RemoveAclEntry: Remove the ACL entry $Entry (fsetxattr)"
        $r.Compliant | Should -BeTrue -Because ($r.Findings -join '; ')
        $r.Outsiders | Should -BeNullOrEmpty
        (Get-FileAcl $Path) | Should -Not -Contain $Entry
        (& getcap $Path) | Should -Match ([regex]::Escape($Caps))
        (& stat -c '%U:%G %a' $Path) | Should -Be "root:$Group 750"
        $m = Invoke-PerfStat $Member $Path
        $m.ExitCode | Should -Be 0 -Because $m.Text
        $m.Text | Should -Match 'task-clock'
        (Get-Audit $Path 'PERF-BINARY-ACL').Status | Should -Be 'Pass'

        # Running it again changes nothing.
        $acl = Get-FileAcl $Path
        (New-PerfUsersGroup -Name $Group -Path $Path -PassThru).Changed | Should -BeFalse
        Get-FileAcl $Path | Should -Be $acl
    }
}

AfterAll {
    Remove-TestUser $Member
    Remove-TestUser $Outsider
    & groupdel $Group 2>$null
    & groupdel $Owning 2>$null
    Remove-Item -Recurse -Force $Dir -ErrorAction SilentlyContinue
}

Describe 'POSIX ACLs on the perf binary' -Tag Unprivileged, Kernel {
    It 'a user entry (setfacl -m u:outsider:rx): the outsider counts system-wide until New-PerfUsersGroup removes it' -Tag Security {
        $p = "$Dir/perf-user"
        New-CapableCopy $p
        & setfacl -m "u:${Outsider}:rx" $p
        Test-AclAttack $p "user:${Outsider}:r-x" "user:$Outsider"
    }

    It 'a group entry (setfacl -m g:outsiders:rx): the same for the members of that group' -Tag Security {
        # The outsider's own group (useradd --user-group): its members are outside the perf users group.
        $p = "$Dir/perf-group"
        New-CapableCopy $p
        & setfacl -m "g:${Outsider}:rx" $p
        Test-AclAttack $p "group:${Outsider}:r-x" "group:$Outsider"
    }

    It 'an entry inherited from the default ACL of the directory the binary was copied into' -Tag Security {
        $d = "$Dir/inherit"
        $null = New-Item -ItemType Directory $d
        & chmod 755 $d
        & setfacl -d -m "u:${Outsider}:rx" $d
        $p = "$d/perf"
        New-CapableCopy $p
        # Nobody ran setfacl on the file: the entry came with the copy.
        Test-AclAttack $p "user:${Outsider}:r-x" "user:$Outsider"
    }

    It '-WhatIf names each entry it would remove and changes nothing' -Tag Security {
        $p = "$Dir/perf-whatif"
        New-CapableCopy $p
        & setfacl -m "u:${Outsider}:rx,g:${Outsider}:x" $p
        $before = (Get-FileAcl $p) + @(& getcap $p) + @(& stat -c '%U:%G %a' $p)
        $out = & dotnet "$PSHOME/pwsh.dll" -NoProfile -NonInteractive -c "Import-Module '$ModuleDir'; New-PerfUsersGroup -Name $Group -Path $p -WhatIf" | Out-String
        $out | Should -Match ([regex]::Escape("Remove the ACL entry user:${Outsider}:r-x (fsetxattr)"))
        $out | Should -Match ([regex]::Escape("Remove the ACL entry group:${Outsider}:--x (fsetxattr)"))
        (Get-FileAcl $p) + @(& getcap $p) + @(& stat -c '%U:%G %a' $p) | Should -Be $before
    }

    It '-Grant Acl: the binary keeps its group; a member may count system-wide, the owning group and others may not' -Tag Security {
        $d = "$Dir/grant"
        $null = New-Item -ItemType Directory $d
        & chmod 755 $d
        $p = "$d/perf"
        & cp $RealPerf $p
        & chown "root:$Owning" $p
        & chmod 755 $p
        # Before: the outsider, a member of the owning group, may run the (not yet capable) binary.
        (Invoke-As $Outsider @($p, '--version')).ExitCode | Should -Be 0

        $r = New-PerfUsersGroup -Name $Group -Path $p -Grant Acl -PassThru
        $r.Group | Should -Be $Owning
        $r.Compliant | Should -BeTrue -Because ($r.Findings -join '; ')
        $r.Capabilities | Should -Be $Caps
        $steps = $r.Changes | ForEach-Object { ($_ -split ':')[0] }
        $steps | Should -Be @('Chmod', 'GrantAclEntry', 'RemoveAclEntry', 'SetCapabilities')

        # What getfacl says of the result, captured here.
        $facl = & getfacl --absolute-names $p
        Write-Host ($facl -join "`n")
        $facl | Should -Contain "# group: $Owning"
        $facl | Should -Contain 'group::---'
        $facl | Should -Contain "group:${Group}:r-x"
        $facl | Should -Contain 'mask::r-x'
        $facl | Should -Contain 'other::---'

        $m = Invoke-PerfStat $Member $p
        $m.ExitCode | Should -Be 0 -Because $m.Text
        $m.Text | Should -Match 'task-clock'
        $o = Invoke-PerfStat $Outsider $p
        $o.ExitCode | Should -Not -Be 0
        $o.Text | Should -Match 'Permission denied'

        $g = Get-PerfUsersGroup -Name $Group -Path $p
        $g.Compliant | Should -BeTrue -Because ($g.Findings -join '; ')
        $g.Outsiders | Should -BeNullOrEmpty
        (Get-Audit $p 'PERF-BINARY-ACL').Status | Should -Be 'Pass'
        $groupCheck = Get-Audit $p 'PERF-BINARY-GROUP'
        $groupCheck.Status | Should -Be 'Pass'
        $groupCheck.Actual | Should -Match "the ACL entry group:$Group grants $Group \(1 members\)"

        $again = New-PerfUsersGroup -Name $Group -Path $p -Grant Acl -PassThru
        $again.Changed | Should -BeFalse
        & getfacl --absolute-names $p | Should -Be $facl
    }

    It '-Grant Acl on a binary the owning group may still execute through its entry is reported until repaired' -Tag Security {
        $p = "$Dir/grant/perf"
        & setfacl -m 'g::rx' $p
        (Invoke-As $Outsider @($p, '--version')).ExitCode | Should -Be 0
        $g = Get-PerfUsersGroup -Name $Group -Path $p
        $g.Compliant | Should -BeFalse
        $g.Outsiders | Should -Contain "group $Owning (owning group)"
        $g.Findings | Should -Contain "$([PerfSecurity.Groups.PerfUsersGroupInspector]::AclOutsiders): group $Owning (owning group)"
        $r = New-PerfUsersGroup -Name $Group -Path $p -Grant Acl -PassThru
        $r.Changes | Should -Contain "RemoveAclEntry: Remove the permissions of the owning group '$Owning': the ACL entry group::r-x becomes group::--- (fsetxattr)"
        $r.Compliant | Should -BeTrue
        (Invoke-As $Outsider @($p, '--version')).ExitCode | Should -Not -Be 0
    }
}
