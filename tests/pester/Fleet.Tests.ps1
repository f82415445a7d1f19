# A fleet on PowerShell's own engine: eight simulated hosts (sshd in their own namespaces, each with its own host
# name, /etc overlay and /etc/sysctl.d; tests/pester/fleet.ps1) and one that is down, audited and baselined over SSH.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/fleet.ps1"
    . "$PSScriptRoot/report.ps1"
    $script:Keys = Join-Path ([IO.Path]::GetTempPath()) ('pstfleetkeys{0}' -f (Get-Random))
    New-FleetKey $Keys
    $script:Ssh = Get-FleetSshParameter $Keys
    # What each host applies at next boot: its own paranoid level (none on fleet04) and, on some, kptr_restrict;
    # fleet02 and fleet06 also have a perf_users group.
    $script:Plan = [ordered]@{
        fleet01 = @{ Paranoid = 2 }; fleet02 = @{ Paranoid = 3; Group = $true }; fleet03 = @{ Paranoid = 1 }; fleet04 = @{}
        fleet05 = @{ Paranoid = 2; Kptr = 1 }; fleet06 = @{ Paranoid = 3; Kptr = 2; Group = $true }; fleet07 = @{ Paranoid = 2 }; fleet08 = @{ Paranoid = 4 }
    }
    $script:Hosts = [System.Collections.Generic.List[object]]::new()
    foreach ($name in $Plan.Keys) {
        $p = $Plan[$name]
        $conf = ''
        if ($p.Paranoid) { $conf += "kernel.perf_event_paranoid = $($p.Paranoid)`n" }
        if ($p.Kptr) { $conf += "kernel.kptr_restrict = $($p.Kptr)`n" }
        $Hosts.Add((Start-SimulatedHost -Name $name -KeyDirectory $Keys -SysctlConf $conf -Setup $(if ($p.Group) { 'groupadd --system perf_users' })))
    }
    $script:Down = "127.0.0.1:$(Get-FreePort)"
    $script:Audit = { param($m) Import-Module $m; Invoke-PerfSecurityAudit -Profile Scap, Kspp }
}

AfterAll {
    Stop-SimulatedHost $Hosts
    Remove-Item -Recurse -Force $Keys -ErrorAction SilentlyContinue
}

Describe 'A fleet over SSH remoting' -Tag Remoting, Slow {
    It 'audits every host that is up, each finding naming its host, and the down host is one error record' {
        $names = @($Hosts.HostName) + $Down
        $script:Findings = @(Invoke-Command -HostName $names @Ssh -ScriptBlock $Audit -ArgumentList $ModuleDir -ErrorVariable err -ErrorAction SilentlyContinue)
        @($Findings.ComputerName | Sort-Object -Unique) | Should -Be @($Plan.Keys)
        $perHost = $Findings | Group-Object ComputerName
        @($perHost.Count | Sort-Object -Unique).Count | Should -Be 1 -Because 'every host answers the same checks'
        $Findings[0].PSObject.TypeNames | Should -Contain 'Deserialized.PerfSecurity.Finding'
        $err.Count | Should -Be 1
        $err[0].Exception | Should -BeOfType [System.Management.Automation.Remoting.PSRemotingTransportException]
    }

    It 'sees each host''s own next-boot paranoid level (the hosts really differ)' {
        foreach ($name in $Plan.Keys) {
            $f = $Findings | Where-Object { $_.ComputerName -eq $name -and $_.Id -eq 'PERF-PARANOID-PERSISTED' -and $_.Profile -eq 'Kspp' }
            $level = $Plan[$name].Paranoid
            $f.Status | Should -Be $(if ($level -eq 3) { 'Pass' } else { 'Fail' }) -Because "$name persists $level"
            if ($level) { $f.Actual | Should -Match "^$level \(/etc/sysctl.d/60-fleet.conf" -Because $name }
            else { $f.Actual | Should -Match 'not set in any sysctl file' -Because $name }
        }
    }

    It 'fans out baselines with sessions and -ThrottleLimit, and one host against another''s baseline shows exactly their differences' {
        $sessions = New-PSSession -HostName @($Hosts.HostName) @Ssh
        try {
            $sessions.Count | Should -Be $Plan.Count
            $baselines = @(Invoke-Command -Session $sessions -ThrottleLimit 4 -ScriptBlock { param($m) Import-Module $m; Export-PerfSecurityBaseline -BinaryPath /bin/true } -ArgumentList $ModuleDir)
            $byHost = @{}
            foreach ($b in $baselines) { $byHost[($b | ConvertFrom-Json).ComputerName] = $b }
            @($byHost.Keys | Sort-Object) | Should -Be @($Plan.Keys)
            $on = { param($h) $sessions | Where-Object { $_.Runspace.ConnectionInfo.Port -eq $h.Port } }
            $on02 = & $on $Hosts[1]
            for ($try = 0; $try -lt 3; $try++) {
                # Runtime sysctls are the one kernel's: retry if another test run changed one in between.
                $reference = Invoke-Command -Session (& $on $Hosts[0]) -ScriptBlock { Export-PerfSecurityBaseline -BinaryPath /bin/true }
                $diffs = @(Invoke-Command -Session $on02 -ScriptBlock { param($j) $j | Compare-PerfSecurityBaseline } -ArgumentList $reference)
                if (-not ($diffs | Where-Object Property -EQ 'Runtime')) { break }
            }
            @($diffs | ForEach-Object { "$($_.What)|$($_.Expected)|$($_.Actual)|$($_.ComputerName)" } | Sort-Object) |
                Should -Be @('Group perf_users|(absent)|present|fleet02', 'Sysctl kernel.perf_event_paranoid NextBoot|2|3|fleet02')
        }
        finally { $sessions | Remove-PSSession }
    }

    It 'makes a report whose hosts × checks matrix has a row per host' {
        $html = $Findings | ConvertTo-PerfSecurityReport -Format Html -Title 'Fleet'
        $doc = ConvertFrom-StrictHtml $html
        foreach ($p in 'Scap', 'Kspp') {
            @($doc.QuerySelectorAll("table.matrix[data-profile=$p] tbody th") | ForEach-Object TextContent) | Should -Be @($Plan.Keys)
        }
        $col = @($doc.QuerySelectorAll('table.matrix[data-profile=Kspp] th.check') | ForEach-Object TextContent).IndexOf('PERF-PARANOID-PERSISTED')
        $cells = @($doc.QuerySelectorAll('table.matrix[data-profile=Kspp] tbody tr') | ForEach-Object { $_.QuerySelectorAll('td')[$col].ClassName })
        $cells | Should -Be @($Plan.Keys | ForEach-Object { if ($Plan[$_].Paranoid -eq 3) { 's-pass' } else { 's-fail' } })
    }
}
