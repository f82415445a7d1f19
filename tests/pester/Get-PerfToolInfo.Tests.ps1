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

    It 'has a default view' {
        Get-PerfToolInfo -Path $Perf -NoExecute | Out-String | Should -Match 'Path'
    }
}
