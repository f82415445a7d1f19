# Names an attacker controls (a CSV handed to the administrator, a -Group typed from a ticket) reach a sudoers
# rule, groupadd, gpasswd and usermod. Each must be a valid shadow-utils name and, unless New-PerfUsersGroup is
# about to create it, an existing account, or the call fails before anything is written.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/hostile.ps1"
    $script:Attacker = New-TestUser 'psna'
    $script:Tag = Get-Random -Minimum 10000 -Maximum 99999
    $script:Group = "psna_g$Tag"
    & groupadd $Group
    # Root-owned places, as an administrator would choose them: nothing here depends on where the files go.
    $script:Shell = "/usr/local/bin/psna-shell-$Tag"
    $script:Sudoers = "/etc/sudoers.d/psna$Tag"
    $script:Csv = "/tmp/psna-$Tag.csv"

    function script:Test-AttackerIsRoot {
        # What the attack is after: sudo running anything as root for the attacker, without a password.
        $out = & setpriv --reuid $Attacker --regid $Attacker --init-groups sudo -n id -u 2>&1
        $LASTEXITCODE -eq 0 -and "$out".Trim() -eq '0'
    }
    function script:Get-Written { @($Shell, $Sudoers | Where-Object { Test-Path -LiteralPath $_ }) }
}

AfterAll {
    Remove-Item -Force $Shell, $Sudoers, $Csv -ErrorAction SilentlyContinue
    & groupdel $Group 2>$null
    Remove-TestUser $Attacker
}

Describe 'Names written into sudoers rules and passed to the account tools' -Tag Security, Unprivileged {
    It 'a -Group that carries a sudoers rule of its own (from a CSV the attacker wrote) is refused; nothing is written' {
        # The attacker's group is the user group useradd made: the injected rule would give it root.
        Invoke-AsAttacker $Attacker "printf 'Group,Path,SudoersPath\n""%s ALL=(ALL) NOPASSWD: ALL\n#"",%s,%s\n' '$Attacker' '$Shell' '$Sudoers' > '$Csv'" | Should -Be 0
        (Import-Csv $Csv).Group | Should -Match "`n"
        $err = $null
        try { Import-Csv $Csv | New-PerfCapabilityShell -NoPassword } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'PerfAccountNameInvalid,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Not -Match "`n"
        Get-Written | Should -BeNullOrEmpty
        Test-AttackerIsRoot | Should -BeFalse
    }

    It 'a -Group of <Name> is refused with PerfAccountNameInvalid and nothing is written' -TestCases @(
        @{ Name = 'a list with ALL'; Value = 'GROUP, ALL' }
        @{ Name = 'a list with another user'; Value = 'GROUP,root' }
        @{ Name = 'a user alias with a colon'; Value = 'GROUP:ALL' }
        @{ Name = 'a trailing newline'; Value = "GROUP`n" }
        @{ Name = 'a leading dash'; Value = '-GROUP' }
        @{ Name = 'a numeric id'; Value = '0' }
        @{ Name = 'a dollar inside'; Value = 'GR$OUP' }
        @{ Name = '33 characters'; Value = 'g' * 33 }
    ) {
        $value = $Value -replace 'GROUP', $Group
        { New-PerfCapabilityShell -Group $value -Path $Shell -SudoersPath $Sudoers -NoPassword } | Should -Throw -ErrorId 'PerfAccountNameInvalid,PerfSecurity.Commands.NewPerfCapabilityShellCommand'
        Get-Written | Should -BeNullOrEmpty
    }

    It 'a valid name of a group that does not exist is refused: a rule for nobody would wait for whoever creates it' {
        { New-PerfCapabilityShell -Group "psna_none$Tag" -Path $Shell -SudoersPath $Sudoers } | Should -Throw -ErrorId 'PerfCapabilityShellGroupNotFound,PerfSecurity.Commands.NewPerfCapabilityShellCommand'
        Get-Written | Should -BeNullOrEmpty
    }

    It 'the shadow rule: valid names pass, a final $ is allowed, and the limits are 32 for groups and 255 for users' {
        $rule = [PerfSecurity.Users.AccountName]
        foreach ($ok in 'perf_users', 'Perf.Users-2', '_x', 'machine$', ('g' * 32)) { $rule::Problem($ok, 'Group') | Should -BeNullOrEmpty -Because $ok }
        $rule::Problem(('u' * 255), 'User') | Should -BeNullOrEmpty
        foreach ($bad in '', '.', '..', '123', '-x', 'a b', 'a,b', 'a:b', 'a/b', 'a$b', '$', 'é', "a`tb", ('g' * 33)) { $rule::Problem($bad, 'Group') | Should -Not -BeNullOrEmpty -Because "'$bad'" }
        $rule::Problem(('u' * 256), 'User') | Should -Not -BeNullOrEmpty
    }

    It 'New-PerfUsersGroup refuses a bad -Name before groupadd and a bad -Member before gpasswd' {
        $bin = "/usr/local/bin/psna-perf-$Tag"
        Copy-Item /bin/true $bin
        try {
            $before = & stat -c '%U:%G %a' $bin
            { New-PerfUsersGroup -Name "psna x$Tag" -Path $bin } | Should -Throw -ErrorId 'PerfAccountNameInvalid,PerfSecurity.Commands.NewPerfUsersGroupCommand'
            (& getent group "psna x$Tag") | Should -BeNullOrEmpty
            { New-PerfUsersGroup -Name $Group -Path $bin -Member "$Attacker,root" } | Should -Throw -ErrorId 'PerfAccountNameInvalid,PerfSecurity.Commands.NewPerfUsersGroupCommand'
            { New-PerfUsersGroup -Name $Group -Path $bin -Member "psna_nouser$Tag" } | Should -Throw -ErrorId 'PerfUsersGroupUserNotFound,PerfSecurity.Commands.NewPerfUsersGroupCommand'
            (& stat -c '%U:%G %a' $bin) | Should -Be $before
            (& getent group $Group).Split(':')[3] | Should -BeNullOrEmpty
        }
        finally { Remove-Item -Force $bin }
    }

    It 'Add- and Remove-PerfUsersGroupMember refuse bad user and group names, from the pipeline too' {
        $before = & getent group $Group
        [pscustomobject]@{ UserName = "$Attacker,root" } | Add-PerfUsersGroupMember -Name $Group -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'PerfAccountNameInvalid,*'
        Add-PerfUsersGroupMember -UserName $Attacker -Name "$Group,sudo" -ErrorVariable ev2 -ErrorAction SilentlyContinue
        $ev2[0].FullyQualifiedErrorId | Should -BeLike 'PerfAccountNameInvalid,*'
        Remove-PerfUsersGroupMember -UserName "-r$Attacker" -Name $Group -ErrorVariable ev3 -ErrorAction SilentlyContinue
        $ev3[0].FullyQualifiedErrorId | Should -BeLike 'PerfAccountNameInvalid,*'
        (& getent group $Group) | Should -Be $before
        (& id -nG $Attacker) | Should -Not -Match '\bsudo\b'
    }

    It 'Measure-PerfFileDescriptorBudget -UserName checks the name before matching limits.conf' {
        Measure-PerfFileDescriptorBudget -UserName "$Attacker root" -EventCount 1 -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'PerfAccountNameInvalid,*'
        (Measure-PerfFileDescriptorBudget -UserName $Attacker -EventCount 1).Subject | Should -Be "user $Attacker"
    }
}
