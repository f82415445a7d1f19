# Which file "perf" means: Get-PerfCapability, New-PerfUsersGroup, the audit (its perf tool and what Repair may
# change) and Get-PerfToolInfo ask one resolver, so for the perf found on PATH they all name the same file.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:LocDir = New-RootOnlyDirectory 'psloc'
    $script:LocUser = New-TestUser 'psloc'
    $script:LocGroup = "psloc$(Get-Random -Minimum 10000 -Maximum 99999)"
    # The binary: an ELF that is not named like perf, so only the resolver can make it "perf" for Repair.
    $script:LocBinary = "$LocDir/tool-bin"
    & cp /usr/bin/true $LocBinary
    & chmod 755 $LocBinary
    & setcap cap_perfmon=ep $LocBinary
    $script:LocPath = $env:PATH

    # A PATH directory $LocDir/<Name> whose perf is a wrapper script, a chain of links, or a link a user owns.
    function Set-LocPerf([string] $Case, [string] $Name = $Case) {
        $bin = "$LocDir/$Name"
        $null = New-Item -ItemType Directory $bin
        & chmod 755 $bin
        switch ($Case) {
            'wrapper' {
                [IO.File]::WriteAllText("$bin/perf", "#!/bin/sh`n# picks the perf of the running kernel`nexec $LocBinary `"`$@`"`n")
                & chmod 755 "$bin/perf"
            }
            'chain' {
                & ln -s $LocBinary "$bin/perf-2"
                & ln -s "$bin/perf-2" "$bin/perf-1"
                & ln -s "$bin/perf-1" "$bin/perf"
            }
            'untrusted' {
                # A root-only directory, but the link in it belongs to a user, who may point it anywhere.
                & ln -s $LocBinary "$bin/perf"
                & chown -h "${LocUser}:" "$bin/perf"
            }
        }
        $env:PATH = "${bin}:$LocPath"
    }

    # The file each consumer names as perf.
    function Get-NamedByCapability {
        $out = Get-PerfCapability -Verbose -WarningAction SilentlyContinue 4>&1
        $cap = $out | Where-Object { $_ -is [PerfSecurity.FileCapability] }
        if ($cap) { return $cap.Path }
        $v = ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Select-Object -First 1).Message
        if ($v -match '\(runs (.+)\)\.$') { $Matches[1] } else { $v -replace '^perf on PATH: (.+)\.$', '$1' }
    }
    function Get-NamedByUsersGroup {
        # A path it will not change stops it: the error's target names the file.
        try { $out = New-PerfUsersGroup -Name $LocGroup -WhatIf -Verbose -ErrorAction Stop 3>&1 4>&1 6>$null }
        catch { return [string]$_.TargetObject }
        foreach ($m in $out.Message) {
            if ($m -match '^Binary: (.+)$') { return $Matches[1] }
            if ($m -match "the binary it runs for this kernel, '(.+)', is used") { return $Matches[1] }
        }
    }
    function Get-NamedByAudit { (Invoke-PerfSecurityAudit -Id PERF-LIBCAP-PERFMON).Target }
    function Get-NamedByToolInfo { (Get-PerfToolInfo -NoExecute -WarningAction SilentlyContinue).RealBinary }
}

AfterAll {
    $env:PATH = $LocPath
    & groupdel $LocGroup 2>$null
    Remove-TestUser $LocUser
    & rm -rf -- $LocDir
}

Describe 'Which file perf means' {
    AfterEach { $env:PATH = $LocPath }

    It 'every cmdlet names <Expected> for <Case>' -ForEach @(
        @{ Case = 'wrapper'; Expected = 'the binary the wrapper runs' }
        @{ Case = 'chain'; Expected = 'the end of the chain of links' }
        @{ Case = 'untrusted'; Expected = 'the link itself, which it does not follow' }
    ) {
        Set-LocPerf $Case
        $file = if ($Case -eq 'untrusted') { "$LocDir/$Case/perf" } else { $LocBinary }
        $named = [ordered]@{
            'Get-PerfCapability'       = Get-NamedByCapability
            'New-PerfUsersGroup'       = Get-NamedByUsersGroup
            'Invoke-PerfSecurityAudit' = Get-NamedByAudit
            'Get-PerfToolInfo'         = Get-NamedByToolInfo
        }
        foreach ($cmdlet in $named.Keys) { $named[$cmdlet] | Should -Be $file -Because "$cmdlet must name the file the others name" }
        (Get-PerfToolInfo -NoExecute -WarningAction SilentlyContinue).Chain[0] | Should -Be "$LocDir/$Case/perf"
        (& getent group $LocGroup) | Should -BeNullOrEmpty -Because '-WhatIf creates nothing'
    }

    It 'Repair-PerfSecurityFinding takes the binary for perf exactly when the resolver does (<Case>)' -ForEach @(
        @{ Case = 'wrapper'; Covered = $true }
        @{ Case = 'chain'; Covered = $true }
        @{ Case = 'untrusted'; Covered = $false }
    ) {
        Set-LocPerf $Case "$Case-repair"
        $err = $null
        $mode = & stat -c '%a' $LocBinary
        Repair-PerfSecurityFinding -Id PERF-BINARY-OTHERS-EXECUTE -Target $LocBinary -WhatIf -ErrorVariable err -ErrorAction SilentlyContinue 6>$null
        (& stat -c '%a' $LocBinary) | Should -Be $mode -Because '-WhatIf changes nothing'
        $notCovered = @($err | Where-Object { $_.FullyQualifiedErrorId -like 'PerfAuditTargetNotCovered,*' })
        if ($Covered) { $notCovered | Should -BeNullOrEmpty -Because "the resolver names $LocBinary perf" }
        else { $notCovered | Should -HaveCount 1 -Because 'a link a user owns makes no file perf' }
    }
}
