# Races against an unprivileged user who owns a directory on the path of the target: while the module
# works on the path, the user exchanges the target, or a directory on the way, with a symlink to another
# root-owned file or directory as fast as possible (renameat2 RENAME_EXCHANGE). The other file must never
# gain capabilities or change owner or mode: such paths are refused before anything is opened.
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

    function script:Start-Race([string] $Name, [switch] $Directory) {
        # The user's directory with a root-owned target in it, and a symlink the user swaps with the target
        # (or, with -Directory, with the directory that holds it, the link naming the victim's directory).
        $dir = "$Root/$Name"
        $null = New-Item -ItemType Directory $dir
        & chown "${Attacker}:$Attacker" $dir
        & chmod 755 $dir
        if ($Directory) {
            $null = New-Item -ItemType Directory "$dir/sub"
            Copy-Item /usr/bin/true "$dir/sub/victim"
            & chmod 755 "$dir/sub" "$dir/sub/victim"
            & runuser -u $Attacker -- ln -s (Split-Path $Victim) "$dir/link"
            $swapped, $path = "$dir/sub", "$dir/sub/victim"
        }
        else {
            Copy-Item /usr/bin/true "$dir/perf"
            & chmod 755 "$dir/perf"
            & runuser -u $Attacker -- ln -s $Victim "$dir/link"
            $swapped, $path = "$dir/perf", "$dir/perf"
        }
        $p = Start-AsUser -User $Attacker -Command "exec '$Swapper' '$swapped' '$dir/link'"
        Start-Sleep -Milliseconds 100
        $p.HasExited | Should -BeFalse -Because 'the swapper must be running'
        [pscustomobject]@{ Dir = $dir; Path = $path; Process = $p }
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
    It 'Set-PerfCapability refuses a path through a user''s directory and never reaches the swapped-in file (<Calls> calls, <Kind>)' -ForEach @(
        @{ Kind = 'target swapped'; Directory = $false; Calls = 60 }
        @{ Kind = 'directory on the way swapped'; Directory = $true; Calls = 60 }
    ) {
        $before = Get-VictimState
        $race = Start-Race "set-$($Directory)" -Directory:$Directory
        $outcomes = @{}
        try {
            for ($i = 0; $i -lt $Calls; $i++) {
                $err = $null
                try { Set-PerfCapability -Path $race.Path -Capability cap_perfmon -ErrorAction Stop } catch { $err = $_ }
                $id = if ($err) { ($err.FullyQualifiedErrorId -split ',')[0] } else { 'Set' }
                $outcomes[$id] = 1 + [int]$outcomes[$id]
                Get-VictimState | Should -Be $before -Because "call $i ($id) must not touch the victim"
            }
        }
        finally { Stop-Race $race }
        Write-Host "Set-PerfCapability race outcomes ($Kind): $(($outcomes.GetEnumerator() | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Value)" }) -join ' ')"
        $outcomes.Keys | Should -Be 'PerfCapabilityUntrustedPath' -Because 'a directory the user owns is on the path'
    }

    It 'New-PerfUsersGroup refuses a path through a user''s directory and never configures the swapped-in file (<Calls> calls, <Kind>)' -ForEach @(
        @{ Kind = 'target swapped'; Directory = $false; Calls = 40 }
        @{ Kind = 'directory on the way swapped'; Directory = $true; Calls = 40 }
    ) {
        $before = Get-VictimState
        $race = Start-Race "group-$($Directory)" -Directory:$Directory
        $outcomes = @{}
        try {
            for ($i = 0; $i -lt $Calls; $i++) {
                $err = $null
                try { New-PerfUsersGroup -Name $Group -Path $race.Path -ErrorAction Stop } catch { $err = $_ }
                $id = if ($err) { ($err.FullyQualifiedErrorId -split ',')[0] } else { 'Configured' }
                $outcomes[$id] = 1 + [int]$outcomes[$id]
                Get-VictimState | Should -Be $before -Because "call $i ($id) must not touch the victim"
            }
        }
        finally { Stop-Race $race }
        Write-Host "New-PerfUsersGroup race outcomes ($Kind): $(($outcomes.GetEnumerator() | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Value)" }) -join ' ')"
        # A swapped-in link is refused when the path is resolved; otherwise the directory is.
        @($outcomes.Keys | Where-Object { $_ -notin 'PerfUsersGroupUntrustedPath', 'PerfUsersGroupUntrustedLink', 'PerfUsersGroupPerfNotFound' }) | Should -BeNullOrEmpty
        $outcomes['Configured'] | Should -BeNullOrEmpty
    }
}
