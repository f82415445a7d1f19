# Get-PerfToolInfo on the machine's real perf and on wrapper scripts made here.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:Perf = (Get-Command perf -CommandType Application | Select-Object -First 1).Source
    $script:Dir = Join-Path '/tmp' ("pstoolinfo" + (Get-Random))
    $null = New-Item -ItemType Directory $Dir
    & chmod 755 $Dir
}

AfterAll { Remove-Item -Recurse -Force $Dir -ErrorAction SilentlyContinue }

Describe 'Get-PerfToolInfo' {
    It 'reads the real perf: its version, its libraries and the system libcap' {
        $i = Get-PerfToolInfo -Path $Perf
        $i.IsScript | Should -BeFalse
        $i.Version | Should -Be ((& $Perf --version) -replace '^perf version\s+', '').Trim()
        # DT_NEEDED as the dynamic linker sees it: every library ldd lists by name.
        $ldd = & ldd $Perf | ForEach-Object { ($_.Trim() -split '\s+')[0] } | Where-Object { $_ -like 'lib*.so*' }
        foreach ($lib in $ldd | Where-Object { $_ -in $i.Needed }) { $i.Needed | Should -Contain $lib }
        $i.LinksLibcap | Should -Be ([bool]($i.Needed -match '^libcap\.so'))
        $real = (Get-Item /lib/x86_64-linux-gnu/libcap.so.2 -ErrorAction SilentlyContinue).ResolvedTarget
        if ($real) { $i.LibcapVersion | Should -Be ((Split-Path $real -Leaf) -replace '^libcap\.so\.', '') }
        $i.LibcapKnowsPerfmon | Should -Be ([version]$i.LibcapVersion -ge [version]'2.36')
    }

    It 'follows a wrapper script to the binary it runs and says that capabilities belong there' {
        $copy = "$Dir/perf_real"
        Copy-Item $Perf $copy
        & chmod 755 $copy
        Set-Content "$Dir/perf" "#!/bin/sh`nexec $copy `"`$@`""
        & chmod 755 "$Dir/perf"
        $i = Get-PerfToolInfo -Path "$Dir/perf" -NoExecute
        $i.IsScript | Should -BeTrue
        $i.RealBinary | Should -Be $copy
        $i.Chain | Should -Be @("$Dir/perf", $copy)
        # -NoExecute runs nothing: the version is the ELF's build id, read from the file.
        $i.BuildId | Should -Match '^[0-9a-f]{40}$'
        $i.Version | Should -Be "build-id $($i.BuildId)"
        (Get-PerfToolInfo -Path $Perf -NoExecute).BuildId | Should -Be $i.BuildId -Because 'the copy is the same ELF'
    }

    It 'shows the file capabilities the real binary carries' {
        $copy = "$Dir/perf_caps"
        Copy-Item $Perf $copy
        & chmod 750 $copy
        & setcap 'cap_perfmon,cap_syslog=ep' $copy
        (Get-PerfToolInfo -Path $copy -NoExecute).FileCapabilities | Should -Be ((& getcap $copy) -replace '^\S+\s+', '')
    }

    It 'takes paths from the pipeline and reports a missing file as ObjectNotFound' {
        (Get-Item $Perf | Get-PerfToolInfo -NoExecute).Path | Should -Be $Perf
        $err = $null
        Get-PerfToolInfo -Path "$Dir/none" -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'names every link of a chain, and follows exec "$(dirname "$0")/..." from the name the script was run by' {
        $bin = "$Dir/chain-bin"; $lib = "$Dir/chain-lib"
        $null = New-Item -ItemType Directory $bin, $lib
        & chmod 755 $bin $lib
        Copy-Item $Perf "$bin/perf_real"
        & chmod 755 "$bin/perf_real"
        [IO.File]::WriteAllText("$lib/perf.sh", "#!/bin/sh`nexec `"`$(dirname `"`$0`")/perf_real`" `"`$@`"`n")
        & chmod 755 "$lib/perf.sh"
        & ln -s "$lib/perf.sh" "$lib/perf-current"
        & ln -s "$lib/perf-current" "$bin/perf"
        # What the shell runs in the end, as the tests see it: the script run by its link prints its $0 directory.
        (& sh -c "cd /; exec `"$bin/perf`" --version") | Should -Match '^perf version' -Because 'the wrapper reaches the binary beside its link'
        $i = Get-PerfToolInfo -Path "$bin/perf" -NoExecute
        $i.Chain | Should -Be @("$bin/perf", "$lib/perf-current", "$lib/perf.sh", "$bin/perf_real")
        $i.RealBinary | Should -Be "$bin/perf_real"
    }

    It 'runs perf --version without the caller''s LD_PRELOAD or LD_LIBRARY_PATH' -Tag Security, Unprivileged {
        # A library a user built, left in root's environment (sudo -E, a profile): loaded into perf, it would run as root.
        $user = New-TestUser 'pstool'
        $libDir = "$Dir/lib-$user"
        $marker = "/tmp/pstool-preload-$(Get-Random)"
        try {
            $null = New-Item -ItemType Directory $libDir
            & chown "${user}:$user" $libDir
            [IO.File]::WriteAllText("$libDir/evil.c", "#include <stdio.h>`n__attribute__((constructor)) static void own(void) { FILE *f = fopen(`"$marker`", `"w`"); if (f) fclose(f); }`n")
            & runuser -u $user -- gcc -shared -fPIC -o "$libDir/libevil.so" "$libDir/evil.c"
            $LASTEXITCODE | Should -Be 0
            # The library works: a program started with it in its environment leaves the marker.
            $psi = [Diagnostics.ProcessStartInfo]::new('/bin/true')
            $psi.Environment['LD_PRELOAD'] = "$libDir/libevil.so"
            [Diagnostics.Process]::Start($psi).WaitForExit()
            Test-Path $marker | Should -BeTrue -Because 'the planted library must be loadable for the test to mean anything'
            Remove-Item $marker
            $env:LD_PRELOAD = "$libDir/libevil.so"; $env:LD_LIBRARY_PATH = $libDir
            try { $i = Get-PerfToolInfo -Path $Perf }
            finally { Remove-Item Env:LD_PRELOAD, Env:LD_LIBRARY_PATH -ErrorAction SilentlyContinue }
            $i.Version | Should -Be ((& $Perf --version) -replace '^perf version\s+', '').Trim() -Because 'perf still ran for its version'
            Test-Path $marker | Should -BeFalse -Because 'the user''s library must not be loaded into perf'
        }
        finally {
            Remove-Item Env:LD_PRELOAD, Env:LD_LIBRARY_PATH -ErrorAction SilentlyContinue
            Remove-Item -Force $marker -ErrorAction SilentlyContinue
            Remove-TestUser $user
            Remove-Item -Recurse -Force $libDir -ErrorAction SilentlyContinue
        }
    }

    It 'never runs a program that a user can change, and says so' -Tag Security, Unprivileged {
        $user = New-TestUser 'pstool'
        $userDir = "$Dir/user-$user"
        try {
            $null = New-Item -ItemType Directory $userDir
            & chown "${user}:$user" $userDir
            $marker = "/tmp/pstool-ran-$(Get-Random)"
            # The user's "perf": a script that would leave a root-owned marker if root ran it.
            & runuser -u $user -- sh -c "printf '#!/bin/sh
touch $marker
echo perf version 9.9
' > '$userDir/perf'; chmod 755 '$userDir/perf'"
            # A root-owned copy of the same script in the user's directory: the user can still swap it.
            Copy-Item "$userDir/perf" "$userDir/perf-root"
            & chmod 755 "$userDir/perf-root"
            foreach ($target in "$userDir/perf", "$userDir/perf-root") {
                $warnings = $null
                $i = Get-PerfToolInfo -Path $target -WarningVariable warnings -WarningAction SilentlyContinue
                Test-Path $marker | Should -BeFalse -Because "$target must be read, not run"
                $i.Version | Should -Not -Be '9.9'
                $i.NotRunReason | Should -Match ([regex]::Escape($userDir))
                "$warnings" | Should -Match 'not run'
            }
        }
        finally {
            Remove-TestUser $user
            Remove-Item -Recurse -Force $userDir -ErrorAction SilentlyContinue
        }
    }

    It 'has a default view' {
        Get-PerfToolInfo -Path $Perf -NoExecute | Out-String | Should -Match 'Path'
    }
}
