# Races against an unprivileged user who owns the directory of the target: while the module works on
# a path, the user exchanges it with a symlink to another (root-owned) file as fast as possible
# (renameat2 RENAME_EXCHANGE). The other file must never gain capabilities or change owner or mode.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:Tag = Get-Random -Minimum 10000 -Maximum 99999
    $script:Attacker = New-TestUser 'psrace'
    $script:Group = "psrace_g$Tag"
    $script:Root = "/tmp/psrace-$Tag"
    $null = New-Item -ItemType Directory $Root
    & chmod 755 $Root
    $script:Swapper = "$Root/swap"
    & gcc -O2 -o $Swapper "$PSScriptRoot/tools/swap.c"
    if ($LASTEXITCODE -ne 0) { throw 'gcc failed to build the swapper' }
    & chmod 755 $Swapper
    # The victim: a root-owned binary in a root-owned directory, as /usr/bin/<something> would be.
    $null = New-Item -ItemType Directory "$Root/sys"
    $script:Victim = "$Root/sys/victim"
    Copy-Item /usr/bin/true $Victim
    & chmod 755 $Victim

    function script:Get-VictimState {
        $caps = & getfattr --absolute-names -h -n security.capability -e hex $Victim 2>&1 | Select-String 'security.capability='
        "$(& stat -c '%U:%G %a %i' $Victim) caps=$caps"
    }

    function script:Start-Race([string] $Name) {
        # The user's directory, a root-owned target in it, and a symlink the user swaps with it.
        $dir = "$Root/$Name"
        $null = New-Item -ItemType Directory $dir
        & chown "${Attacker}:$Attacker" $dir
        & chmod 755 $dir
        Copy-Item /usr/bin/true "$dir/perf"
        & chmod 755 "$dir/perf"
        & runuser -u $Attacker -- ln -s $Victim "$dir/link"
        $p = Start-AsUser -User $Attacker -Command "exec '$Swapper' '$dir/perf' '$dir/link'"
        Start-Sleep -Milliseconds 100
        $p.HasExited | Should -BeFalse -Because 'the swapper must be running'
        [pscustomobject]@{ Dir = $dir; Path = "$dir/perf"; Process = $p }
    }

    function script:Stop-Race($Race) {
        & kill -TERM $Race.Process.Id
        $Race.Process.WaitForExit()
    }
}

AfterAll {
    Get-Process -ErrorAction SilentlyContinue | Where-Object { $_.Path -eq $Swapper } | ForEach-Object { & kill -KILL $_.Id }
    & groupdel $Group 2>$null
    Remove-TestUser $Attacker
    Remove-Item -Recurse -Force $Root -ErrorAction SilentlyContinue
}

Describe 'Path swaps during capability changes' {
    It 'Set-PerfCapability never reaches the file behind a swapped-in symlink (150 calls)' {
        $before = Get-VictimState
        $race = Start-Race 'set'
        $outcomes = @{}
        try {
            for ($i = 0; $i -lt 150; $i++) {
                $err = $null
                try { Set-PerfCapability -Path $race.Path -Capability cap_perfmon -ErrorAction Stop } catch { $err = $_ }
                $id = if ($err) { ($err.FullyQualifiedErrorId -split ',')[0] } else { 'Set' }
                $outcomes[$id] = 1 + [int]$outcomes[$id]
                Get-VictimState | Should -Be $before -Because "call $i ($id) must not touch the victim"
                # The next call must have work to do.
                if (-not $err) { Remove-PerfCapability -Path $race.Path -ErrorAction SilentlyContinue }
            }
        }
        finally { Stop-Race $race }
        Write-Host "Set-PerfCapability race outcomes: $(($outcomes.GetEnumerator() | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Value)" }) -join ' ')"
        @($outcomes.Keys | Where-Object { $_ -notin 'Set', 'PerfCapabilityTargetIsSymlink', 'PerfCapabilityFileNotFound' }) | Should -BeNullOrEmpty
        $outcomes['Set'] | Should -BeGreaterThan 0 -Because 'some calls win the race'
        $outcomes['PerfCapabilityTargetIsSymlink'] | Should -BeGreaterThan 0 -Because 'some calls meet the symlink'
    }

    It 'New-PerfUsersGroup never configures the file behind a swapped-in symlink (80 calls)' {
        $before = Get-VictimState
        $race = Start-Race 'group'
        $outcomes = @{}
        try {
            for ($i = 0; $i -lt 80; $i++) {
                $err = $null
                try { New-PerfUsersGroup -Name $Group -Path $race.Path -ErrorAction Stop } catch { $err = $_ }
                $id = if ($err) { ($err.FullyQualifiedErrorId -split ',')[0] } else { 'Configured' }
                $outcomes[$id] = 1 + [int]$outcomes[$id]
                Get-VictimState | Should -Be $before -Because "call $i ($id) must not touch the victim"
                # Undo on whichever name holds the real file (-h: never through the link), so the next call has work.
                foreach ($n in 'perf', 'link') { & setfattr -h -x security.capability "$($race.Dir)/$n" 2>$null }
            }
        }
        finally { Stop-Race $race }
        Write-Host "New-PerfUsersGroup race outcomes: $(($outcomes.GetEnumerator() | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Value)" }) -join ' ')"
        @($outcomes.Keys | Where-Object { $_ -notin 'Configured', 'PerfUsersGroupOpenFailed', 'PerfUsersGroupUntrustedLink', 'PerfUsersGroupVerifyFailed', 'PerfUsersGroupPerfNotFound' }) | Should -BeNullOrEmpty
        $outcomes['Configured'] | Should -BeGreaterThan 0 -Because 'some calls win the race'
    }
}
