BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/capabilities.ps1"
    $script:Scratch = New-CapScratch
}

AfterAll { Remove-Item -Recurse -Force $Scratch -ErrorAction SilentlyContinue }

Describe 'Remove-PerfCapability' {
    It 'removes the attribute, leaving "no capabilities" (not "=")' {
        $f = New-CapTarget $Scratch 'a'
        & setcap cap_perfmon=ep $f
        Remove-PerfCapability $f
        & getcap $f | Should -BeNullOrEmpty
        Test-PerfCapability $f -Capability @() | Should -BeFalse
    }

    It 'returns what it removed with -PassThru' {
        $f = New-CapTarget $Scratch 'b'
        & setcap cap_syslog+p $f
        $r = Remove-PerfCapability $f -PassThru
        $r.GetType().FullName | Should -Be 'PerfSecurity.FileCapability'
        $r.Text | Should -BeExactly 'cap_syslog=p'
    }

    It 'changes nothing with -WhatIf' {
        $f = New-CapTarget $Scratch 'c'
        & setcap cap_perfmon=ep $f
        Remove-PerfCapability $f -WhatIf
        & getcap $f | Should -BeExactly "$f cap_perfmon=ep"
    }

    It 'has nothing to do on a file without capabilities, and says so' {
        $f = New-CapTarget $Scratch 'd'
        $v = Remove-PerfCapability $f -PassThru -Verbose 4>&1
        $v | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] } | Should -BeNullOrEmpty
        ($v | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Match 'nothing to remove'
    }

    It 'removes from writable files and scripts too (removing is always safe)' {
        $f = New-CapTarget $Scratch 'e' '775'
        & setcap cap_perfmon=ep $f
        Remove-PerfCapability $f
        & getcap $f | Should -BeNullOrEmpty
    }

    It 'refuses a symlink' {
        $t = New-CapTarget $Scratch 'target'
        & setcap cap_perfmon=ep $t
        $l = Join-Path $Scratch 'link'
        $null = New-Item -ItemType SymbolicLink -Path $l -Target $t
        Remove-PerfCapability $l -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'PerfCapabilityTargetIsSymlink,PerfSecurity.Commands.RemovePerfCapabilityCommand'
        & getcap $t | Should -BeExactly "$t cap_perfmon=ep"
    }

    It 'takes files from the pipeline' {
        $a = New-CapTarget $Scratch 'p1'; $b = New-CapTarget $Scratch 'p2'
        & setcap cap_kill=p $a cap_kill=p $b
        Get-ChildItem $a, $b | Remove-PerfCapability
        & getcap $a $b | Should -BeNullOrEmpty
    }

    It 'fails with PermissionDenied for an unprivileged user and changes nothing' -Tag Unprivileged {
        $f = New-CapTarget $Scratch 'priv'
        & setcap cap_perfmon=ep $f
        $user = New-TestUser 'pscapm'
        try {
            $r = Invoke-AsUser $user { param($p) Remove-PerfCapability $p } -ArgumentList $f
            $r.ErrorId | Should -Be 'PerfCapabilityWriteDenied,PerfSecurity.Commands.RemovePerfCapabilityCommand'
            $r.Category | Should -Be 'PermissionDenied'
        }
        finally { Remove-TestUser $user }
        & getcap $f | Should -BeExactly "$f cap_perfmon=ep"
    }
}
