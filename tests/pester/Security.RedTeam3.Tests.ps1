# A third round of attacks of a hostile local user, against the capability scanner, the repair planner and what
# came with them, replayed with real users. Each asserts that nothing of the user's choice was followed, changed or
# weakened.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/hostile.ps1"
    $script:Rt3Tag = Get-Random -Minimum 10000 -Maximum 99999
    $script:Rt3Attacker = New-TestUser 'psrtc'
    # The attacker's own directory, as under /tmp or /home.
    $script:Rt3UserDir = "/tmp/psrtc-$Rt3Tag"
    $null = New-Item -ItemType Directory $Rt3UserDir
    & chown "${Rt3Attacker}:" $Rt3UserDir
    # Root's files, on a path only root can change; the swapper lives there too (0755, so the attacker may run it).
    $script:Rt3RootDir = New-RootOnlyDirectory 'psrtc'
    $script:Rt3Swapper = "$Rt3RootDir/swap"
    & gcc -O2 -o $Rt3Swapper "$PSScriptRoot/tools/swap.c"
    if ($LASTEXITCODE -ne 0) { throw 'gcc failed to build the swapper' }

    function script:Start-Rt3Swapper([string] $Directory, [string[]] $Operations) {
        # tools/swap.c as the attacker, in $Directory, until Stop-Rt3Swapper; returns the process.
        $psi = [System.Diagnostics.ProcessStartInfo]::new('setpriv')
        foreach ($a in @('--reuid', $Rt3Attacker, '--regid', $Rt3Attacker, '--init-groups', $Rt3Swapper) + $Operations) { $psi.ArgumentList.Add($a) }
        $psi.WorkingDirectory = $Directory
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $p = [System.Diagnostics.Process]::Start($psi)
        Start-Sleep -Milliseconds 50
        if ($p.HasExited) { throw "The swapper did not start: $($p.StandardError.ReadToEnd())" }
        $p
    }
    function script:Stop-Rt3Swapper($Process) {
        # SIGTERM lets it finish its round (no name left missing); returns the rounds it made.
        & kill -TERM $Process.Id
        $Process.WaitForExit()
        [long]('0' + $Process.StandardOutput.ReadToEnd().Trim())
    }
}

AfterAll {
    Remove-Item -Recurse -Force $Rt3UserDir, $Rt3RootDir -ErrorAction SilentlyContinue
    Remove-TestUser $Rt3Attacker
}

Describe 'Get-PerfCapability -Recurse over a user''s directory whose folders the user swaps for links' -Tag Security, Unprivileged, Slow {
    BeforeAll {
        # Root's capable files in 16 folders of a directory only root may read, and the user's look-alike tree: a real
        # folder 'a' with the same 16 (empty) folders, and a link 'l' to root's directory. The user exchanges the two
        # names without pause, so a folder listed as a/dN by the scan may be opened after 'a' became the link.
        $script:Rt3Secret = "$Rt3RootDir/secret"
        $null = New-Item -ItemType Directory $Rt3Secret
        & chmod 700 $Rt3Secret
        Copy-Item /bin/true "$Rt3Secret/cap"
        & setcap cap_net_raw+ep "$Rt3Secret/cap"
        foreach ($i in 0..15) {
            $null = New-Item -ItemType Directory "$Rt3Secret/d$i"
            & ln "$Rt3Secret/cap" "$Rt3Secret/d$i/cap"
        }
        $script:Rt3Tree = "$Rt3UserDir/scan"
        $plant = "mkdir $Rt3Tree && cd $Rt3Tree && mkdir a && for i in `$(seq 0 15); do mkdir a/d`$i; done && ln -s $Rt3Secret l"
        & setpriv --reuid $Rt3Attacker --regid $Rt3Attacker --init-groups sh -c $plant
        if ($LASTEXITCODE -ne 0) { throw 'the attacker could not plant the tree' }
    }

    It 'never reads root''s folder through the link, nor reports its files under the user''s path (2,000 scans)' {
        (Get-PerfCapability -Recurse -LiteralPath $Rt3Secret).Count | Should -Be 17 -Because 'root''s files are capable'
        $swapper = Start-Rt3Swapper $Rt3Tree @('x', 'a', 'l')
        $found = [System.Collections.Generic.List[string]]::new()
        $refused = 0
        try {
            for ($i = 0; $i -lt 2000; $i++) {
                $r = @(Get-PerfCapability -Recurse -LiteralPath $Rt3Tree -ThrottleLimit (1 + $i % 2) -WarningVariable warned -WarningAction SilentlyContinue)
                foreach ($f in $r) { $found.Add("scan $i reported $($f.Path)") }
                $refused += @($warned | Where-Object { "$_" -match 'symbolic links|Not a directory' }).Count
            }
        }
        finally { $rounds = Stop-Rt3Swapper $swapper }
        $rounds | Should -BeGreaterThan 0
        $refused | Should -BeGreaterThan 0 -Because 'some scans met a swapped folder (otherwise the race never ran)'
        $found | Should -BeNullOrEmpty -Because 'the user''s tree holds no capable file: each one reported is root''s, read through the user''s link'
    }
}

Describe 'Findings of a user''s choosing that would lower perf_event_paranoid' -Tag Security, Unprivileged, Kernel {
    BeforeAll {
        $script:Rt3Paranoid = Save-ParanoidState
        $script:Rt3Findings = "$Rt3UserDir/findings.json"
    }
    AfterEach { Restore-ParanoidState $Rt3Paranoid }

    It 'leaves paranoid 3 alone when the admin pipes the user''s <Case> (Scap asks for exactly 2)' -TestCases @(
        @{ Case = 'PERF-PARANOID-RUNTIME finding'; Json = '[{"Id":"PERF-PARANOID-RUNTIME","Profile":"Scap","Status":"Fail","Expected":"3"}]' }
        @{ Case = 'PERF-PARANOID-PERSISTED finding, with -Force'; Json = '[{"Id":"PERF-PARANOID-PERSISTED","Profile":"Scap","Status":"Fail"}]'; Force = $true }
    ) {
        # The user writes the file; the administrator, hardened at 3 (Kspp, or what Debian's kernel boots with), pipes it in.
        & setpriv --reuid $Rt3Attacker --regid $Rt3Attacker --init-groups sh -c "printf '%s' '$Json' > $Rt3Findings"
        $LASTEXITCODE | Should -Be 0
        Set-ParanoidRuntime 3
        [IO.File]::WriteAllText($DropIn, "kernel.perf_event_paranoid = 3`n")
        Get-Content -Raw $Rt3Findings | ConvertFrom-Json | Repair-PerfSecurityFinding -Force:([bool]$Force) -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue
        Get-ParanoidRuntime | Should -Be 3 -Because 'the repair lowered the running level'
        [IO.File]::ReadAllText($DropIn) | Should -Be "kernel.perf_event_paranoid = 3`n" -Because 'the repair lowered the level of the next boot'
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'PerfAuditRepairWeakens,*'
        $failed[0].Exception.Message | Should -BeLike '*would lower kernel.perf_event_paranoid from 3 to 2*Nothing was changed*'
    }

    It 'still raises a level that a profile finds too low' {
        Set-ParanoidRuntime 1
        [IO.File]::WriteAllText($DropIn, "kernel.perf_event_paranoid = 1`n")
        '[{"Id":"PERF-PARANOID-RUNTIME","Profile":"Scap"}]' | ConvertFrom-Json | Repair-PerfSecurityFinding -Confirm:$false
        Get-ParanoidRuntime | Should -Be 2
        (Get-PerfParanoid).NextBootLevel | Should -Be 2
    }
}

Describe 'Measure-PerfCommand run by root on a FIFO of a user''s' -Tag Security, Unprivileged {
    BeforeAll {
        # An executable FIFO: root may "execute" it by its mode, and reading its #! line waited for a writer forever.
        $script:Rt3Bin = "$Rt3UserDir/bin"
        & setpriv --reuid $Rt3Attacker --regid $Rt3Attacker --init-groups sh -c "mkdir $Rt3Bin && mkfifo $Rt3Bin/rt3tool && chmod 755 $Rt3Bin/rt3tool"
        if ($LASTEXITCODE -ne 0) { throw 'the attacker could not plant the FIFO' }
    }

    It 'refuses <Case> at once instead of waiting for a writer' -TestCases @(
        @{ Case = 'the FIFO by its path'; Script = "Measure-PerfCommand '{0}/rt3tool' -Event task-clock" }
        @{ Case = 'the FIFO found on root''s PATH (the user''s directory first)'; Script = "`$env:PATH = '{0}:' + `$env:PATH; Measure-PerfCommand rt3tool -Event task-clock" }
    ) {
        $r = Invoke-Bounded ($Script -f $Rt3Bin) -Seconds 60
        $r.TimedOut | Should -BeFalse -Because 'opening the FIFO for its #! line blocked the administrator''s session'
        $r.ErrorId | Should -BeLike 'PerfCounterCommandNotExecutable,*' -Because $r.Message
        $r.Message | Should -BeLike '*not a regular file*'
    }
}

Describe 'Measure-PerfCommand -RedirectStandardOutput/-Error run by root on a link a user planted' -Tag Security, Unprivileged {
    BeforeAll {
        $script:Rt3Victim = "$Rt3RootDir/victim.conf"
        $script:Rt3LinkInTmp = "/tmp/psrtc-$Rt3Tag-out.txt"
        function script:Get-Rt3Victim { '{0} {1}' -f (& stat -c '%U:%G %a %s' $Rt3Victim), [IO.File]::ReadAllText($Rt3Victim) }
    }
    BeforeEach { [IO.File]::WriteAllText($Rt3Victim, "precious root configuration`n") }
    AfterAll { Remove-Item -LiteralPath $Rt3LinkInTmp -Force -ErrorAction SilentlyContinue }

    It 'refuses <Case> and leaves root''s file alone' -TestCases @(
        @{ Case = 'a link in the user''s directory, as the output'; Path = '{1}/out.txt'; Parameter = 'RedirectStandardOutput' }
        @{ Case = 'a link in the user''s directory, as the error'; Path = '{1}/err.txt'; Parameter = 'RedirectStandardError' }
        @{ Case = 'a link of the user''s in /tmp, as the output'; Path = '{2}'; Parameter = 'RedirectStandardOutput' }
    ) {
        $link = $Path -f $null, $Rt3UserDir, $Rt3LinkInTmp
        & setpriv --reuid $Rt3Attacker --regid $Rt3Attacker --init-groups ln -sfn $Rt3Victim $link
        $LASTEXITCODE | Should -Be 0
        $before = Get-Rt3Victim
        $redirect = @{ $Parameter = $link }
        Measure-PerfCommand /bin/sh -ArgumentList '-c', 'echo owned; echo owned >&2' -Event task-clock @redirect -ErrorVariable failed -ErrorAction SilentlyContinue | Out-Null
        Get-Rt3Victim | Should -Be $before -Because 'root truncated and wrote its own file through the user''s link'
        $failed[0].FullyQualifiedErrorId | Should -Match '^PerfCounterRedirect(UntrustedPath|TargetIsSymlink),'
        (Get-Item -LiteralPath $link -Force).LinkType | Should -Be 'SymbolicLink'
    }

    It 'still writes the output where only root can change it' {
        $out = "$Rt3RootDir/measured.txt"
        Measure-PerfCommand /bin/sh -ArgumentList '-c', 'echo measured' -Event task-clock -RedirectStandardOutput $out | Out-Null
        [IO.File]::ReadAllText($out) | Should -Be "measured`n"
    }
}
