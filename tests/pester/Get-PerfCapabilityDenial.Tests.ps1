BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:Fixtures = Join-Path $RepoRoot 'tests/PerfSecurity.Tests/Fixtures/audit'
    $script:RawLog = Join-Path $Fixtures 'raw.log'
    $script:InterpretedLog = Join-Path $Fixtures 'interpreted.log'
    $script:Dir = Join-Path ([IO.Path]::GetTempPath()) ("psden" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = New-Item -ItemType Directory $Dir
    # 2026-11-29 20:01:02 UTC, the first event of raw.log
    $script:Base = [DateTime]::new(2026, 11, 29, 20, 1, 2, [DateTimeKind]::Utc)
}

AfterAll { Remove-Item -Recurse -Force $Dir -ErrorAction SilentlyContinue }

Describe 'Get-PerfCapabilityDenial' {
    It 'gives one object per executable from a raw log, recommending CAP_PERFMON only where both were denied' {
        $r = Get-PerfCapabilityDenial -Path $RawLog -WarningAction SilentlyContinue
        $r.Count | Should -Be 6
        $perf = $r | Where-Object Executable -EQ '/usr/bin/perf'
        $perf.Count | Should -Be 3
        $perf.PerfmonDenied | Should -BeTrue
        $perf.SysAdminDenied | Should -BeTrue
        $perf.Uid | Should -Be @(1000, 1002)
        $perf.Syscalls | Should -Be @('perf_event_open')
        $perf.FirstSeen | Should -Be $Base.AddMilliseconds(123).ToLocalTime()
        $perf.LastSeen | Should -Be $Base.AddSeconds(3600).AddMilliseconds(250).ToLocalTime()
        $perf.Recommendation | Should -Be "Set-PerfCapability -LiteralPath '/usr/bin/perf' -Capability cap_perfmon"
        ($r | Where-Object Executable -EQ '/opt/tools/pmu-reader').Recommendation | Should -BeNullOrEmpty
        ($r | Where-Object Executable -EQ '/usr/sbin/node_exporter').PerfmonDenied | Should -BeFalse
        ($r | Where-Object Executable -EQ '/opt/my tools/prof').Recommendation | Should -Be "Set-PerfCapability -LiteralPath '/opt/my tools/prof' -Capability cap_perfmon"
        @($r | Where-Object Recommendation).Count | Should -Be 3
    }

    It 'warns once with the number of unreadable lines' {
        $w = $null
        $null = Get-PerfCapabilityDenial -Path $RawLog -WarningVariable w -WarningAction SilentlyContinue
        $w.Count | Should -Be 1
        $w[0].Message | Should -Match '^4 of 31 lines are not readable audit records'
        $w[0].Message | Should -Match 'raw\.log:9:'
    }

    It 'reads ausearch -i output with its names and local times' {
        $r = Get-PerfCapabilityDenial $InterpretedLog -WarningAction SilentlyContinue
        $perf = $r | Where-Object Executable -EQ '/usr/bin/perf'
        $perf.Count | Should -Be 2
        $perf.User | Should -Be @('alice', 'bob')
        $perf.FirstSeen | Should -Be ([DateTime]::new(2026, 11, 29, 20, 1, 2, 123, [DateTimeKind]::Local))
        $perf.Recommendation | Should -Match 'cap_perfmon'
        ($r | Where-Object Command -EQ 'pmdaperfevent').Recommendation | Should -BeNullOrEmpty
    }

    It 'filters with -Since' {
        $r = Get-PerfCapabilityDenial $RawLog -Since $Base.AddSeconds(100).ToLocalTime() -WarningAction SilentlyContinue
        ($r | Where-Object Executable -EQ '/usr/bin/perf').Count | Should -Be 1
        $r.Executable | Should -Not -Contain '/opt/tools/pmu-reader'
        Get-PerfCapabilityDenial $RawLog -Since $Base.AddDays(1) -WarningAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'aggregates several logs from the pipeline (Get-ChildItem and strings)' {
        Copy-Item $RawLog "$Dir/audit.log"
        Copy-Item $RawLog "$Dir/audit.log.1"
        $r = Get-ChildItem "$Dir/audit.log*" | Get-PerfCapabilityDenial -WarningAction SilentlyContinue
        ($r | Where-Object Executable -EQ '/usr/bin/perf').Count | Should -Be 6
        ($r | Where-Object Executable -EQ '/usr/bin/perf').Source.Count | Should -Be 2
        $s = "$Dir/audit.log", "$Dir/audit.log.1" | Get-PerfCapabilityDenial -WarningAction SilentlyContinue
        ($s | Where-Object Executable -EQ '/usr/bin/perf').Count | Should -Be 6
    }

    It 'reports a missing log as PerfAuditLogNotFound and still reads the others' {
        $err = $null
        $r = Get-PerfCapabilityDenial -Path "$Dir/none.log", $RawLog -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $r.Count | Should -Be 6
        $err[0].FullyQualifiedErrorId | Should -Be 'PerfAuditLogNotFound,PerfSecurity.Commands.GetPerfCapabilityDenialCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'refuses a FIFO instead of blocking on it' {
        & mkfifo "$Dir/fifo"
        $err = $null
        Get-PerfCapabilityDenial -LiteralPath "$Dir/fifo" -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'PerfAuditLogNotRegularFile,PerfSecurity.Commands.GetPerfCapabilityDenialCommand'
    }

    It 'reads a 200,000-line log and counts every event' {
        $big = "$Dir/big.log"
        $w = [IO.StreamWriter]::new($big)
        try {
            for ($i = 1; $i -le 50000; $i++) {
                $t = 1795982462 + $i
                $exe = if ($i % 2) { '/usr/bin/perf' } else { '/opt/x/tool' }
                $w.WriteLine("type=SYSCALL msg=audit($t.000:$i): arch=c000003e syscall=298 success=no exit=-13 pid=$i auid=0 uid=0 comm=`"p`" exe=`"$exe`"")
                $w.WriteLine("type=AVC msg=audit($t.000:$i): avc:  denied  { perfmon } for  pid=$i comm=`"p`" capability=38  tclass=capability2 permissive=0")
                $w.WriteLine("type=AVC msg=audit($t.000:$i): avc:  denied  { sys_admin } for  pid=$i comm=`"p`" capability=21  tclass=capability permissive=0")
                $w.WriteLine("type=EOE msg=audit($t.000:$i): ")
            }
        }
        finally { $w.Dispose() }
        $r = Get-PerfCapabilityDenial $big
        ($r | Where-Object Executable -EQ '/usr/bin/perf').Count | Should -Be 25000
        ($r | Where-Object Executable -EQ '/opt/x/tool').BothDeniedCount | Should -Be 25000
        ($r | Where-Object Executable -EQ '/opt/x/tool').LastSeen | Should -Be ([DateTime]::UnixEpoch.AddSeconds(1795982462 + 50000).ToLocalTime())
        Remove-Item $big
    }

    It 'has a default table view' {
        Get-PerfCapabilityDenial $RawLog -WarningAction SilentlyContinue | Out-String -Width 250 | Should -Match 'Count\s+PerfmonDenied\s+SysAdminDenied\s+User\s+LastSeen\s+Executable\s+Recommendation'
    }
}
