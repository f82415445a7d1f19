# A second round of attacks of a hostile local user, replayed with real users. Each asserts that nothing of the
# user's choice was changed, leaked, or left the administrator's session hanging.
BeforeDiscovery {
    # The test cases list the module's root-equivalent capabilities.
    . "$PSScriptRoot/common.ps1"
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/hostile.ps1"
    $script:Rt2Tag = Get-Random -Minimum 10000 -Maximum 99999
    $script:Rt2Attacker = New-TestUser 'psrtb'
    $script:Rt2Group = "psrtb_g$Rt2Tag"
    & groupadd $Rt2Group
    # The attacker's own directory, as under /tmp or /home.
    $script:Rt2UserDir = "/tmp/psrtb-$Rt2Tag"
    $null = New-Item -ItemType Directory $Rt2UserDir
    & chown "${Rt2Attacker}:" $Rt2UserDir
    # Root's files, on a path only root can change.
    $script:Rt2RootDir = New-RootOnlyDirectory 'psrtb'

    function script:Get-Rt2State([string] $Path) {
        # Owner, mode (set-id bits included), capabilities and content of a file: equal strings mean nothing changed.
        '{0} {1} {2}' -f (& stat -c '%U:%G %a' $Path), "$(& getcap $Path)", (Get-FileHash -Algorithm SHA256 -LiteralPath $Path).Hash
    }
    function script:Invoke-Rt2AsAttacker([string] $Command) {
        # sh -c $Command as the attacker, with the attacker's directory as home; returns the exit code and what it printed.
        $out = & setpriv --reuid $Rt2Attacker --regid $Rt2Attacker --init-groups env "HOME=$Rt2UserDir" sh -c $Command 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Text = ($out | Out-String) }
    }
}

AfterAll {
    Remove-Item -Recurse -Force $Rt2UserDir, $Rt2RootDir -ErrorAction SilentlyContinue
    Remove-TestUser $Rt2Attacker
    & groupdel $Rt2Group 2>$null
}

Describe 'Invoke-PerfSecurityCompliance -OutputPath run by root where a user planted a link' -Tag Security, Unprivileged, Slow {
    BeforeAll {
        # Pester writes the result by name and follows links; with fs.protected_symlinks off (as here) a link in /tmp works.
        $script:Rt2Victim = "$Rt2RootDir/victim.conf"
        Set-Content $Rt2Victim 'precious root configuration'
        $script:Rt2Pester = Join-Path (Get-Module Pester).ModuleBase 'Pester.psd1'
        function script:Invoke-Rt2Compliance([string] $Output) {
            Invoke-Bounded "Import-Module '$Rt2Pester'; Invoke-PerfSecurityCompliance -Profile Kspp -OutputPath '$Output' | Select-Object Profile, OutputPath" -Seconds 300
        }
    }

    It 'refuses <Case> and leaves root''s file alone' -TestCases @(
        @{ Case = 'a link of the user''s in /tmp'; Output = '/tmp/psrtb-{1}-compliance.xml'; Plant = 'ln -s {0} /tmp/psrtb-{1}-compliance.xml' }
        @{ Case = 'a name in the user''s directory, linked to root''s file'; Output = '/tmp/psrtb-{1}/out/compliance.xml'; Plant = 'mkdir -p /tmp/psrtb-{1}/out && ln -s {0} /tmp/psrtb-{1}/out/compliance.xml' }
    ) {
        $Output = $Output -f $Rt2Victim, $Rt2Tag
        try {
            (Invoke-Rt2AsAttacker ($Plant -f $Rt2Victim, $Rt2Tag)).ExitCode | Should -Be 0
            $before = Get-Rt2State $Rt2Victim
            $r = Invoke-Rt2Compliance $Output
            $r.TimedOut | Should -BeFalse
            Get-Rt2State $Rt2Victim | Should -Be $before -Because 'root wrote the test result through the user''s link'
            $r.ErrorId | Should -BeLike 'PerfComplianceOutputUntrustedPath,*' -Because $r.Message
            (Get-Item -LiteralPath $Output -Force).LinkType | Should -Be 'SymbolicLink'
        }
        finally { Remove-Item -LiteralPath "/tmp/psrtb-$Rt2Tag-compliance.xml" -Force -ErrorAction SilentlyContinue }
    }

    It 'still writes the result where only root can change it, root''s and 0644' {
        $out = "$Rt2RootDir/compliance.xml"
        $r = Invoke-Rt2Compliance $out
        $r.ErrorId | Should -BeNullOrEmpty -Because $r.Message
        (& stat -c '%U %a' $out) | Should -Be 'root 644'
        ([xml](Get-Content -Raw $out)).SelectNodes('//test-case').Count | Should -BeGreaterThan 0
        Get-ChildItem -Force -LiteralPath $Rt2RootDir -Filter '.compliance.xml.*' | Should -BeNullOrEmpty
    }
}

Describe 'A perf.data file whose header declares a huge feature section, in a directory the audit scans' -Tag Security, Unprivileged {
    BeforeAll {
        # perf.data header (104 bytes): magic, header size, attr size, attrs {104, 0}, data {104, 0}, no event types, one
        # feature bit; the feature table at 104 names one section {120, 4 GiB}, whose first words are counts. The rest of
        # the 4 GiB is a hole: every count loop finds zeros to read, one system call at a time.
        function script:New-Rt2Header([int] $Bit, [uint32[]] $Counts) {
            $ms = [IO.MemoryStream]::new()
            $w = [IO.BinaryWriter]::new($ms)
            $w.Write([Text.Encoding]::ASCII.GetBytes('PERFILE2'))
            foreach ($v in [uint64]104, [uint64]80, [uint64]104, [uint64]0, [uint64]104, [uint64]0, [uint64]0, [uint64]0) { $w.Write($v) }
            $flags = [uint64[]]@(0, 0, 0, 0)
            $flags[[math]::Floor($Bit / 64)] = [uint64]1 -shl ($Bit % 64)
            foreach ($f in $flags) { $w.Write($f) }
            $w.Write([uint64]120); $w.Write([uint64]4GB)
            foreach ($c in $Counts) { $w.Write($c) }
            $w.Flush()
            $ms.ToArray()
        }
        $script:Rt2DataDir = "$Rt2UserDir/data"
        (Invoke-Rt2AsAttacker "mkdir -p '$Rt2DataDir'").ExitCode | Should -Be 0
        # The attacker writes each header and makes the file 4 GiB long, sparse.
        foreach ($h in @(
                @{ Name = 'cmdline.data'; Bytes = (New-Rt2Header 11 @(0x08000000)) }     # CMDLINE: 134 million arguments
                @{ Name = 'eventdesc.data'; Bytes = (New-Rt2Header 12 @(0x03000000, 64)) } # EVENT_DESC: 50 million events
            )) {
            $src = "$Rt2RootDir/$($h.Name).head"
            [IO.File]::WriteAllBytes($src, $h.Bytes)
            & chmod 644 $src
            (Invoke-Rt2AsAttacker "cp '$src' '$Rt2DataDir/$($h.Name)' && truncate -s $(120 + 4GB) '$Rt2DataDir/$($h.Name)'").ExitCode | Should -Be 0
        }
    }

    It 'Get-PerfDataExposure on <File> answers at once that it is corrupt' -TestCases @(
        @{ File = 'cmdline.data'; Section = 'CMDLINE' }
        @{ File = 'eventdesc.data'; Section = 'EVENT_DESC' }
    ) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $r = Invoke-Bounded "Get-PerfDataExposure -LiteralPath '$Rt2DataDir/$File'" -Seconds 40
        $r.TimedOut | Should -BeFalse -Because 'a header''s counts must not make root read a sparse file to its end'
        $r.ErrorId | Should -BeLike 'PerfDataInvalid,*' -Because $r.Message
        $r.Message | Should -Match $Section
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 40
    }

    It 'the audit of the directory finishes and still judges both files by their mode' {
        & chmod 644 "$Rt2DataDir/cmdline.data" "$Rt2DataDir/eventdesc.data"
        $r = Invoke-Bounded "Invoke-PerfSecurityAudit -Id PERF-DATA-READABLE -DataPath '$Rt2DataDir' | Select-Object Status, Target" -Seconds 60
        $r.TimedOut | Should -BeFalse
        $r.ErrorId | Should -BeNullOrEmpty -Because $r.Message
        $r.Output | Should -Match 'cmdline\.data'
        $r.Output | Should -Match 'eventdesc\.data'
    }
}

Describe 'An ELF file whose 65,535 program headers all name one large note segment' -Tag Security, Unprivileged {
    BeforeAll {
        # A 64-bit ELF header, then 65,535 PT_NOTE headers naming the same 16 MiB after them: all zeros, so 1.4 million
        # empty notes each, walked again for every header when no build id is found.
        $ms = [IO.MemoryStream]::new()
        $w = [IO.BinaryWriter]::new($ms)
        $w.Write([byte[]](0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        $w.Write([uint16]2); $w.Write([uint16]62); $w.Write([uint32]1); $w.Write([uint64]0); $w.Write([uint64]64); $w.Write([uint64]0)
        $w.Write([uint32]0); $w.Write([uint16]64); $w.Write([uint16]56); $w.Write([uint16]65535); $w.Write([uint16]0); $w.Write([uint16]0); $w.Write([uint16]0)
        $notes = [uint64](64 + 65535 * 56)
        for ($i = 0; $i -lt 65535; $i++) {
            $w.Write([uint32]4); $w.Write([uint32]4); $w.Write($notes); $w.Write([uint64]0); $w.Write([uint64]0); $w.Write([uint64]16MB); $w.Write([uint64]16MB); $w.Write([uint64]4)
        }
        $w.Flush()
        $head = "$Rt2RootDir/notes.head"
        [IO.File]::WriteAllBytes($head, $ms.ToArray())
        & chmod 644 $head
        $script:Rt2Elf = "$Rt2UserDir/perf-notes"
        (Invoke-Rt2AsAttacker "cp '$head' '$Rt2Elf' && truncate -s $($notes + 16MB) '$Rt2Elf'").ExitCode | Should -Be 0
    }

    It 'Get-PerfToolInfo -NoExecute reads it and answers at once' {
        $r = Invoke-Bounded "Get-PerfToolInfo -NoExecute -LiteralPath '$Rt2Elf' | Select-Object Path, BuildId" -Seconds 40
        $r.TimedOut | Should -BeFalse -Because 'the notes of one segment must be walked once, not once for each header naming it'
        $r.ErrorId | Should -BeNullOrEmpty -Because $r.Message
        $r.Output | Should -Match 'perf-notes'
    }
}

Describe 'A "baseline" a user hands the administrator that is a FIFO or /dev/zero' -Tag Security, Unprivileged {
    BeforeAll {
        (Invoke-Rt2AsAttacker "cd '$Rt2UserDir' && mkfifo baseline.json && ln -s /dev/zero zero.json").ExitCode | Should -Be 0
    }

    It 'Compare-PerfSecurityBaseline -Baseline <File> returns at once with PerfBaselineNotRegularFile' -TestCases @(
        @{ File = 'baseline.json' }
        @{ File = 'zero.json' }
    ) {
        $r = Invoke-Bounded "Compare-PerfSecurityBaseline -Baseline '$Rt2UserDir/$File' -ErrorAction Stop" -Seconds 40
        $r.TimedOut | Should -BeFalse -Because 'a FIFO without a writer blocks an open, /dev/zero a read, forever'
        $r.ErrorId | Should -BeLike 'PerfBaselineNotRegularFile,*' -Because $r.Message
    }
}

Describe 'A baseline a user hands the administrator, full of terminal escapes' -Tag Security, Unprivileged {
    BeforeAll {
        # Every name and value of the baseline carries an OSC title, a clear screen, a carriage return with a fake
        # line and a right-to-left override; so does a file in the directory it asks to look at.
        $script:Rt2Bins = "$Rt2UserDir/bins"
        (Invoke-Rt2AsAttacker "mkdir -p '$Rt2Bins'").ExitCode | Should -Be 0
        & setpriv --reuid $Rt2Attacker --regid $Rt2Attacker --init-groups cp /usr/bin/true "$Rt2Bins/perf$HostileText"
        if ($LASTEXITCODE -ne 0) { throw 'the attacker could not create the file' }
        $script:Rt2Baseline = "$Rt2UserDir/hostile-baseline.json"
        [ordered]@{
            Format = 'PerfSecurity.Baseline/1'; ComputerName = $HostileText; Created = '2024-01-01T00:00:00Z'; KernelRelease = $HostileText
            BinaryPaths = @($Rt2Bins)
            Sysctls = @([ordered]@{ Name = "kernel.$HostileText"; Runtime = $HostileText; NextBoot = $HostileText; NextBootSource = $HostileText })
            Binaries = @([ordered]@{ Path = "/usr/bin/$HostileText"; Owner = $HostileText; Group = $HostileText; Mode = $HostileText; Acl = ''; Capabilities = $HostileText })
            Groups = @([ordered]@{ Name = $HostileText; Gid = 1; Members = @($HostileText) })
            CapabilityShells = @([ordered]@{ Rule = $HostileText; SudoersFile = $HostileText; SudoersSha256 = $null; Script = $HostileText; ScriptSha256 = $null; ScriptOwner = $null; ScriptMode = $null })
            MemlockLimits = @([ordered]@{ User = $HostileText; MemlockKb = 64; Source = $HostileText })
        } | ConvertTo-Json -Depth 5 | Set-Content $Rt2Baseline
        & chown "${Rt2Attacker}:" $Rt2Baseline
    }

    It 'Compare-PerfSecurityBaseline shows every difference escaped in the table and the list, and keeps the raw value' {
        $d = @(Compare-PerfSecurityBaseline -Baseline $Rt2Baseline)
        $d.Count | Should -BeGreaterThan 3
        ($d.What -join "`n") | Should -Match ([regex]::Escape("perf$HostileText")) -Because 'the objects keep the raw names'
        foreach ($shown in ($d | Format-Table | Out-String -Width 400), ($d | Format-List | Out-String -Width 400)) {
            $shown | Should -Not -Match $TerminalControl
            $shown | Should -Match ([regex]::Escape('\x1b]0;owned\x07\x1b[2J'))
        }
    }
}

Describe 'Get-PerfUsersGroup on a user''s link, piped into New-PerfUsersGroup' -Tag Security, Unprivileged {
    BeforeAll {
        # Root's set-user-ID program, on a path only root can change; the attacker links it as "perf" in their directory.
        $script:Rt2Setuid = "$Rt2RootDir/helper"
        Copy-Item /usr/bin/true $Rt2Setuid
        & chmod 4755 $Rt2Setuid
        (Invoke-Rt2AsAttacker "ln -s '$Rt2Setuid' '$Rt2UserDir/perf'").ExitCode | Should -Be 0
    }

    It 'reports the path as given, says why it cannot be trusted, and New-PerfUsersGroup changes nothing' {
        $before = Get-Rt2State $Rt2Setuid
        $groupBefore = (& getent group $Rt2Group)
        $g = Get-PerfUsersGroup -Name $Rt2Group -Path "$Rt2UserDir/perf"
        $failure = $null
        try { $g | New-PerfUsersGroup -Member $Rt2Attacker -Confirm:$false -ErrorAction Stop } catch { $failure = $_ }
        Get-Rt2State $Rt2Setuid | Should -Be $before -Because 'the procedure ran on the root binary the user''s link named'
        (& getent group $Rt2Group) | Should -Be $groupBefore
        $failure.FullyQualifiedErrorId | Should -BeLike 'PerfUsersGroupUntrustedPath,*'
        # What the look reports: the path as given, why it cannot be trusted, and the state of the file it names now.
        $g.Path | Should -Be "$Rt2UserDir/perf"
        $g.Compliant | Should -BeFalse
        ($g.Findings -join "`n") | Should -Match ([regex]::Escape([PerfSecurity.Groups.PerfUsersGroupInspector]::UntrustedPath))
        $g.Mode | Should -Be '4755'
    }
}

Describe 'Repair with a perf wrapper whose versioned binary is looked up on a PATH holding a user''s directory' -Tag Security, Unprivileged {
    BeforeAll {
        # Debian's wrapper: exec perf_<major>.<minor> from PATH. The attacker's directory, later on root's PATH, names a
        # capable root binary that is not perf "perf_X.Y".
        $script:Rt2Wrapper = "$Rt2RootDir/wrap"
        $null = New-Item -ItemType Directory $Rt2Wrapper
        & chmod 755 $Rt2Wrapper
        $release = [regex]::Match((& uname -r), '^\d+\.\d+').Value
        Set-Content "$Rt2Wrapper/perf" "#!/bin/sh`nexec perf_$release `"`$@`"`n"
        & chmod 755 "$Rt2Wrapper/perf"
        $script:Rt2Capable = "$Rt2RootDir/netd"
        Copy-Item /usr/bin/true $Rt2Capable
        & chmod 755 $Rt2Capable
        & setcap 'cap_net_raw,cap_sys_admin=ep' $Rt2Capable
        if ($LASTEXITCODE -ne 0) { throw 'setcap failed' }
        (Invoke-Rt2AsAttacker "mkdir -p '$Rt2UserDir/bin' && ln -s '$Rt2Capable' '$Rt2UserDir/bin/perf_$release'").ExitCode | Should -Be 0
    }
    BeforeEach {
        $script:Rt2SavedPath = $env:PATH
        $env:PATH = "${Rt2Wrapper}:$Rt2UserDir/bin:$env:PATH"
    }
    AfterEach { $env:PATH = $Rt2SavedPath }

    It 'a forged <Id> on the binary the user named perf_X.Y changes nothing' -TestCases @(
        @{ Id = 'PERF-BINARY-OTHERS-EXECUTE' }
        @{ Id = 'PERF-BINARY-SYS-ADMIN' }
    ) {
        $before = Get-Rt2State $Rt2Capable
        { Repair-PerfSecurityFinding -Id $Id -Target $Rt2Capable -Confirm:$false } | Should -Throw -ErrorId 'PerfAuditTargetNotCovered*'
        Get-Rt2State $Rt2Capable | Should -Be $before
    }
}

Describe 'New-PerfUsersGroup and capabilities that make perf root for its members' -Tag Security, Unprivileged, Kernel {
    BeforeAll {
        # A private copy of the real perf, root's, on a path only root can change; a root process holding a secret.
        $perf = (Get-Command perf -CommandType Application | Select-Object -First 1).Source
        $script:Rt2Perf = "$Rt2RootDir/perf"
        Copy-Item (Get-PerfToolInfo -Path $perf -NoExecute).RealBinary $Rt2Perf
        & chmod 755 $Rt2Perf
        $script:Rt2Secret = "psrtb-secret-$(Get-Random)"
        $psi = [Diagnostics.ProcessStartInfo]::new('sleep', '600')
        $psi.Environment['PSRTB_SECRET'] = $Rt2Secret
        $psi.UseShellExecute = $false
        $script:Rt2RootProcess = [Diagnostics.Process]::Start($psi)
        # The member's Python script, run by perf script -s inside the capable perf: it reads the root process's
        # environment with process_vm_readv, which CAP_SYS_PTRACE allows across users.
        $script:Rt2Leak = "$Rt2UserDir/leaked"
        $py = @"
import ctypes
PID = $($Rt2RootProcess.Id)
def leak():
    stat = open('/proc/%d/stat' % PID).read()
    f = stat[stat.rindex(')') + 2:].split()
    start, end = int(f[47]), int(f[48])
    if start == 0 or end <= start:
        return 'no environment address: ptrace access refused'
    class iovec(ctypes.Structure):
        _fields_ = [('base', ctypes.c_void_p), ('len', ctypes.c_size_t)]
    libc = ctypes.CDLL(None, use_errno=True)
    libc.process_vm_readv.restype = ctypes.c_ssize_t
    buf = ctypes.create_string_buffer(end - start)
    local, remote = iovec(ctypes.cast(buf, ctypes.c_void_p), end - start), iovec(start, end - start)
    n = libc.process_vm_readv(PID, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
    return 'errno %d' % ctypes.get_errno() if n < 0 else buf.raw[:n].replace(b'\0', b'\n').decode('latin-1')
try:
    text = leak()
except Exception as e:
    text = 'failed: %r' % e
open('$Rt2Leak', 'w').write(text)
"@
        Set-Content "$Rt2RootDir/leak.py" $py
        & chmod 644 "$Rt2RootDir/leak.py"
        (Invoke-Rt2AsAttacker "cp '$Rt2RootDir/leak.py' '$Rt2UserDir/leak.py'").ExitCode | Should -Be 0

        function script:Invoke-Rt2Leak {
            # As the member: record anything, then run the script inside the capable perf. Returns what it read.
            Remove-Item $Rt2Leak -Force -ErrorAction SilentlyContinue
            $r = Use-ParanoidLevel 2 { Invoke-Rt2AsAttacker "cd '$Rt2UserDir' && '$Rt2Perf' record -N -q -o rec.data -e cpu-clock -- true && '$Rt2Perf' script -i rec.data -s leak.py" }
            if (-not (Test-Path $Rt2Leak)) { throw "perf script did not run the member's script: $($r.Text)" }
            Get-Content -Raw $Rt2Leak
        }
    }
    AfterAll { if ($Rt2RootProcess -and -not $Rt2RootProcess.HasExited) { $Rt2RootProcess.Kill() } }

    It 'by default gives members no capability that reads root''s processes' {
        New-PerfUsersGroup -Name $Rt2Group -Path $Rt2Perf -Member $Rt2Attacker
        $leaked = Invoke-Rt2Leak
        $leaked | Should -Not -Match $Rt2Secret -Because 'a member read a root process''s memory through the capable perf'
        $leaked | Should -Match 'refused'
        (& getcap $Rt2Perf) | Should -Be "$Rt2Perf cap_syslog,cap_perfmon=ep"
    }

    It 'asks before granting <Cap> (root-equivalent), and changes nothing without -Force' -ForEach @(
        [PerfSecurity.Capabilities.RootEquivalence]::Set.Names() | ForEach-Object { @{ Cap = $_ } }
    ) {
        $before = Get-Rt2State $Rt2Perf
        # A host that cannot answer ShouldContinue: the command must ask, so it fails there, and change nothing.
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$ModuleDir'; New-PerfUsersGroup -Name $Rt2Group -Path '$Rt2Perf' -Capability cap_perfmon, $Cap")
            $null = $ps.Invoke()
            $asked = @($ps.Streams.Error | Where-Object FullyQualifiedErrorId -Like 'HostFunctionNotImplemented*')
        }
        finally { $ps.Dispose() }
        $asked.Count | Should -Be 1 -Because 'the command must have asked for confirmation'
        "$($asked[0])" | Should -Match $Cap.ToUpperInvariant()
        Get-Rt2State $Rt2Perf | Should -Be $before
    }

    It 'with -Force and cap_sys_ptrace, grants what was asked (and the member can then read root''s memory, as it warned)' {
        try {
            New-PerfUsersGroup -Name $Rt2Group -Path $Rt2Perf -Capability cap_perfmon, cap_sys_ptrace -Force
            (& getcap $Rt2Perf) | Should -Be "$Rt2Perf cap_sys_ptrace,cap_perfmon=ep"
            Invoke-Rt2Leak | Should -Match $Rt2Secret
        }
        finally { New-PerfUsersGroup -Name $Rt2Group -Path $Rt2Perf }
        (& getcap $Rt2Perf) | Should -Be "$Rt2Perf cap_syslog,cap_perfmon=ep"
    }
}
