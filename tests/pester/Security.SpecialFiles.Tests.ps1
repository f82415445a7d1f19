# Files a user plants where root's cmdlets read: a FIFO with no writer (an open that waits forever), /dev/zero
# (a read that never ends) and a sparse file of a terabyte. Every reader must refuse them at once. Each case runs
# in its own pwsh under a deadline, so that a regression fails here instead of hanging the run.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/hostile.ps1"
    $script:Attacker = New-TestUser 'pssf'
    # The attacker's own directory, as under /tmp or /home: everything in it is the attacker's.
    $script:Dir = "/tmp/pssf-$(Get-Random -Minimum 10000 -Maximum 99999)"
    $null = New-Item -ItemType Directory $Dir
    & chown "${Attacker}:" $Dir
    $code = Invoke-AsAttacker $Attacker "cd '$Dir' && mkfifo fifo fifo.data && truncate -s 1T sparse && mkdir data image image/etc image/etc/sysctl.d && mkfifo data/perf.data image/etc/sysctl.d/50-perf.conf && truncate -s 1T data/big.data && ln -s /dev/zero data/zero.data"
    if ($code -ne 0) { throw "the attacker could not plant the files" }
    $script:Paths = @{ Fifo = "$Dir/fifo"; Zero = '/dev/zero'; Sparse = "$Dir/sparse" }
}

AfterAll {
    Remove-Item -Recurse -Force $Dir -ErrorAction SilentlyContinue
    Remove-TestUser $Attacker
}

Describe 'Special files planted by a user' -Tag Security, Unprivileged {
    It '<Command> on a <Kind> returns at once with <Expected>' -Tag Slow -TestCases @(
        @{ Command = 'Get-PerfToolInfo -NoExecute -LiteralPath'; Kind = 'Fifo'; Expected = 'PerfToolFileNotRegularFile' }
        @{ Command = 'Get-PerfToolInfo -NoExecute -LiteralPath'; Kind = 'Zero'; Expected = 'PerfToolFileNotRegularFile' }
        @{ Command = 'Get-PerfToolInfo -NoExecute -LiteralPath'; Kind = 'Sparse'; Expected = 'PerfToolFileTooLarge' }
        @{ Command = 'Get-PerfUsersGroup -Path'; Kind = 'Fifo'; Expected = 'PerfUsersGroupTargetNotRegularFile' }
        @{ Command = 'Get-PerfUsersGroup -Path'; Kind = 'Zero'; Expected = 'PerfUsersGroupTargetNotRegularFile' }
        @{ Command = 'Get-PerfUsersGroup -Path'; Kind = 'Sparse'; Expected = $null }
        # The FIFO sits in the attacker's directory: the path is refused while it is walked, before anything is opened.
        @{ Command = 'New-PerfUsersGroup -Name pssf_none -WhatIf -Path'; Kind = 'Fifo'; Expected = 'PerfUsersGroupUntrustedPath' }
        @{ Command = 'New-PerfUsersGroup -Name pssf_none -WhatIf -Path'; Kind = 'Zero'; Expected = 'PerfUsersGroupTargetNotRegularFile' }
        @{ Command = 'Get-PerfCapabilityDenial -LiteralPath'; Kind = 'Fifo'; Expected = 'PerfAuditLogNotRegularFile' }
        @{ Command = 'Get-PerfCapabilityDenial -LiteralPath'; Kind = 'Zero'; Expected = 'PerfAuditLogNotRegularFile' }
        @{ Command = 'Get-PerfCapabilityDenial -LiteralPath'; Kind = 'Sparse'; Expected = 'PerfAuditLogTooLarge' }
        @{ Command = 'Get-PerfDataExposure -LiteralPath'; Kind = 'Fifo'; Expected = 'PerfDataNotRegularFile' }
        @{ Command = 'Get-PerfDataExposure -LiteralPath'; Kind = 'Zero'; Expected = 'PerfDataNotRegularFile' }
        @{ Command = 'Get-PerfDataExposure -LiteralPath'; Kind = 'Sparse'; Expected = 'PerfDataNotPerfFile' }
    ) {
        $path = $Paths[$Kind]
        $r = Invoke-Bounded "$Command '$path'"
        $r.TimedOut | Should -BeFalse -Because "$Command must not wait on or read $path without end"
        if ($Expected) { $r.ErrorId | Should -BeLike "$Expected,*" -Because $r.Message }
        else { $r.ErrorId | Should -BeNullOrEmpty -Because $r.Message }
        (Get-Item -LiteralPath $path -Force).LinkType | Should -BeNullOrEmpty
    }

    It 'New-PerfUsersGroup -WhatIf on a FIFO changes nothing and creates no group' {
        $before = & stat -c '%U:%G %a' $Paths.Fifo
        $r = Invoke-Bounded "New-PerfUsersGroup -Name pssf_none -WhatIf -Path '$($Paths.Fifo)'"
        $r.TimedOut | Should -BeFalse
        (& stat -c '%U:%G %a' $Paths.Fifo) | Should -Be $before
        (& getent group pssf_none) | Should -BeNullOrEmpty
    }

    It 'the audit scans a perf.data directory holding a FIFO, a link to /dev/zero and a sparse file, and finishes' {
        $r = Invoke-Bounded "Invoke-PerfSecurityAudit -Id PERF-DATA-READABLE -DataPath '$Dir/data' | Select-Object Status, Actual"
        $r.TimedOut | Should -BeFalse
        $r.ErrorId | Should -BeNullOrEmpty -Because $r.Message
        $r.Output | Should -Match 'Pass'
    }

    It 'the audit reads a FIFO given as audit log without waiting on it' {
        $r = Invoke-Bounded "Invoke-PerfSecurityAudit -Id PERF-AUDIT-DOUBLE-DENIAL -AuditLogPath '$($Paths.Fifo)' | Format-List Status, Actual"
        $r.TimedOut | Should -BeFalse
        $r.Output | Should -Match 'NotApplicable'
        $r.Output | Should -Match 'FIFO'
    }

    It 'Get-PerfParanoid -Root does not wait on a FIFO named *.conf in the image' {
        $r = Invoke-Bounded "Get-PerfParanoid -Root '$Dir/image'" -Seconds 30
        $r.TimedOut | Should -BeFalse -Because 'a sysctl.d entry that is a FIFO must be skipped or refused, not opened and waited on'
    }
}
