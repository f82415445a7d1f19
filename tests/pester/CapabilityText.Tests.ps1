# libcap's text grammar at its edges: each string goes to setcap and to Set-PerfCapability -Text on two
# identical files; both must refuse it, or both must write the same security.capability bytes.
# docs/capability-text.md records the decisions behind the cases where the module once differed.
BeforeDiscovery {
    $script:Strings = @(
        # A clause without names takes one operator only (libcap: "for + & - must list capabilities").
        '=p+e', '=e+p', '=i+i', '=p-p', 'all=p+e', 'all=p-p', '=ep cap_perfmon+p-e'
        # "all" replaces the names before it; names after it add.
        '52,all+p', 'all,52+p', 'cap_chown,all+p', '52,all,53+p', 'all+p 52,all-p'
        # Whole-set clauses.
        '=ep', 'all=ep', '=', '', '=eip', '=e', '=ep cap_perfmon='
        # Names, numbers, case.
        'cap_perfmon+ep', 'CAP_PERFMON+ep', 'Cap_PerfMon=ep', '38+ep', '0x26+ep', '046+ep', '0+p', '00+p', '63+p', '41,42+p', '64+p',
        '0x+p', 'cap_perfmonx+p', 'cap_perfmon1+p', 'perfmon+p', 'cap_perfmon+EP'
        # Operators and flags.
        'cap_perfmon=+ep', 'cap_perfmon=-ep', 'cap_perfmon+e-e+p', 'cap_perfmon+ep-e', 'cap_perfmon=p+e', 'cap_perfmon=e+p',
        'cap_perfmon+p+i', 'cap_perfmon=ep=p', 'cap_perfmon==p', 'cap_perfmon=p,i', 'cap_perfmon+', 'cap_perfmon=', '+p',
        'cap_perfmon,+p', 'cap_perfmon+p,', 'all-p'
        # Several clauses and white space.
        'cap_perfmon+p cap_syslog+p', ' cap_perfmon+p ', "cap_perfmon+p`tcap_syslog=ei", 'cap_perfmon+pe cap_perfmon-p'
        # The single effective bit: a non-empty effective set must hold permitted and inheritable.
        'cap_perfmon=e', 'cap_perfmon+ei', '=ep cap_setpcap-e', '=ep cap_sys_admin-e', '=p cap_chown+e', '=ep cap_perfmon-p'
    )
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/capabilities.ps1"
    $script:Scratch = New-CapScratch
    $script:Rows = [System.Collections.Generic.List[object]]::new()

    function script:Get-RawCapability([string] $Path) {
        # The attribute's bytes as getfattr prints them, or '' when there is none.
        $line = & getfattr --absolute-names -e hex -n security.capability $Path 2>$null | Where-Object { $_ -like 'security.capability=*' }
        if ($line) { $line.Substring('security.capability='.Length) } else { '' }
    }
}

AfterAll {
    Remove-Item -Recurse -Force $Scratch -ErrorAction SilentlyContinue
    if ($Rows.Count) {
        $agree = @($Rows | Where-Object Agree).Count
        Write-Host "capability text: $agree of $($Rows.Count) strings agree with setcap ($(@($Rows | Where-Object { -not $_.SetcapAccepted }).Count) refused by setcap)"
    }
}

Describe 'Capability text against setcap' -Skip:(-not (Get-Command getfattr -ErrorAction SilentlyContinue)) {
    It '"<_>" is refused or written exactly as setcap does' -ForEach $Strings {
        $text = $_
        $k = $Rows.Count
        $a = New-CapTarget $Scratch "setcap-$k"
        $b = New-CapTarget $Scratch "module-$k"
        $setcapOut = & setcap $text $a 2>&1
        $setcapAccepted = $LASTEXITCODE -eq 0
        $moduleError = $null
        try { Set-PerfCapability -LiteralPath $b -Text $text -Force -ErrorAction Stop }
        catch { $moduleError = $_ }
        $row = [pscustomobject]@{
            Text = $text; SetcapAccepted = $setcapAccepted; ModuleAccepted = $null -eq $moduleError
            Setcap = Get-RawCapability $a; Module = Get-RawCapability $b; Agree = $false
        }
        $row.Agree = $row.SetcapAccepted -eq $row.ModuleAccepted -and $row.Setcap -eq $row.Module
        $Rows.Add($row)

        $row.ModuleAccepted | Should -Be $setcapAccepted -Because "setcap said: $($setcapOut -join ' '); module said: $moduleError"
        $row.Module | Should -BeExactly $row.Setcap
        if (-not $setcapAccepted) {
            $row.Module | Should -BeExactly ''
            $moduleError.FullyQualifiedErrorId | Should -Match '^PerfCapabilityInvalid(Text|Effective),'
        }
        else {
            (Get-PerfCapability -LiteralPath $b).Text | Should -BeExactly ((& getcap $a) -replace '^\S+ ', '')
        }
    }

    It 'covered at least 30 strings, accepted and refused ones' {
        $Rows.Count | Should -BeGreaterOrEqual 30
        @($Rows | Where-Object SetcapAccepted).Count | Should -BeGreaterThan 10
        @($Rows | Where-Object { -not $_.SetcapAccepted }).Count | Should -BeGreaterThan 10
    }
}
