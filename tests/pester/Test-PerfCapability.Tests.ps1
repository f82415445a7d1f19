BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/capabilities.ps1"
    $script:Scratch = New-CapScratch
}

AfterAll { Remove-Item -Recurse -Force $Scratch -ErrorAction SilentlyContinue }

Describe 'Test-PerfCapability' {
    BeforeAll {
        $script:F = New-CapTarget $Scratch 'perf'
        & setcap 'cap_perfmon,cap_sys_ptrace,cap_syslog=ep' $F
        $script:NoXattr = New-CapTarget $Scratch 'none'
        $script:EmptySet = New-CapTarget $Scratch 'empty'
        & setcap '=' $EmptySet
    }

    It 'is $true exactly when the set matches (setcap -v says OK)' {
        Test-PerfCapability $F -Capability perfmon, sys_ptrace, syslog | Should -BeTrue
        Test-PerfCapability $F -Text 'cap_syslog,cap_perfmon,cap_sys_ptrace=pe' | Should -BeTrue
        & setcap -q -v 'cap_perfmon,cap_sys_ptrace,cap_syslog=ep' $F; $LASTEXITCODE | Should -Be 0
    }

    It 'is $false when a set differs (setcap -v says it differs)' -ForEach @(
        @{ Text = 'cap_perfmon=ep' }
        @{ Text = 'cap_perfmon,cap_sys_ptrace,cap_syslog=p' }
        @{ Text = 'cap_perfmon,cap_sys_ptrace,cap_syslog=eip' }
    ) {
        Test-PerfCapability $F -Text $Text | Should -BeFalse
        & setcap -q -v $Text $F; $LASTEXITCODE | Should -Be 1
    }

    It 'tells "no capabilities" from the empty set "=", which setcap -v cannot' {
        Test-PerfCapability $NoXattr -Capability @() | Should -BeFalse
        Test-PerfCapability $EmptySet -Capability @() | Should -BeTrue
        Test-PerfCapability $EmptySet -Text '=' | Should -BeTrue
        # setcap -v calls both OK.
        & setcap -q -v '=' $NoXattr; $LASTEXITCODE | Should -Be 0
        & setcap -q -v '=' $EmptySet; $LASTEXITCODE | Should -Be 0
    }

    It 'compares the root id of revision 3' {
        $r = New-CapTarget $Scratch 'rev3'
        & setcap -n 1000 cap_perfmon=ep $r
        Test-PerfCapability $r -Capability cap_perfmon | Should -BeFalse
        Test-PerfCapability $r -Capability cap_perfmon -RootId 1000 | Should -BeTrue
    }

    It 'says why with -Verbose' {
        $v = Test-PerfCapability $NoXattr -Capability cap_perfmon -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $v.Message | Should -Match 'no file capabilities'
    }

    It 'returns one bool per file from the pipeline' {
        $r = Get-ChildItem $F, $NoXattr | Test-PerfCapability -Capability perfmon, sys_ptrace, syslog
        $r | Should -Be @($true, $false)
    }

    It 'rejects bad names with PerfCapabilityUnknownName' {
        { Test-PerfCapability $F -Capability cap_bogus } | Should -Throw -ErrorId 'PerfCapabilityUnknownName,PerfSecurity.Commands.TestPerfCapabilityCommand'
    }
}
