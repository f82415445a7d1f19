# Output objects read back usefully once saved: enums by name through CliXML and JSON, and saved findings repair.
BeforeDiscovery {
    . "$PSScriptRoot/common.ps1"
    # Every enum that some cmdlet's output type exposes, directly or in a nested PerfSecurity object.
    $seen = @{}
    $script:Enums = [System.Collections.Generic.List[hashtable]]::new()
    function script:Find-Enum([type] $Type, [string] $Path) {
        if ($seen[$Type.FullName]) { return }
        $seen[$Type.FullName] = $true
        foreach ($p in $Type.GetProperties()) {
            $t = $p.PropertyType
            $element = if ($t.IsArray) { $t.GetElementType() } elseif ($t.IsGenericType) { $t.GetGenericArguments()[-1] } else { $t }
            if ([Nullable]::GetUnderlyingType($element)) { $element = [Nullable]::GetUnderlyingType($element) }
            if ($element.IsEnum) { $Enums.Add(@{ Property = "$Path.$($p.Name)"; Enum = $element }) }
            elseif ($element.Namespace -like 'PerfSecurity*') { Find-Enum $element "$Path.$($p.Name)" }
        }
    }
    Get-Command -Module PerfSecurity | ForEach-Object { $_.OutputType.Type } | Where-Object { $_ -and $_.Namespace -like 'PerfSecurity*' } |
        Sort-Object FullName -Unique | ForEach-Object { Find-Enum $_ $_.Name }
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('pstser{0}' -f (Get-Random))
    $null = New-Item -ItemType Directory $Work
    $script:Saved = Save-ParanoidState
}

AfterAll {
    Restore-ParanoidState $Saved
    Remove-Item -Recurse -Force $Work -ErrorAction SilentlyContinue
}

Describe 'Enums of the output types' {
    It 'finds the enums to check (Finding.Status among them)' {
        $Enums.Property | Should -Contain 'Finding.Status'
    }

    It '<Property> (<Enum>) reads back by name from CliXML and JSON' -ForEach $Enums {
        foreach ($value in [Enum]::GetValues($Enum)) {
            $name = $value.ToString()
            $back = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize([pscustomobject]@{ V = $value }, 2))
            $back.V | Should -BeOfType [string]
            $back.V | Should -BeExactly $name
            ([pscustomobject]@{ V = $value } | ConvertTo-Json -Compress) | Should -BeExactly "{`"V`":`"$name`"}"
        }
    }
}

Describe 'Findings saved and read back' -Tag Kernel {
    BeforeAll {
        # Paranoid 1 fails SCAP's runtime check, so there is a repairable failure to find again.
        $script:Local = Use-ParanoidLevel 1 { Invoke-PerfSecurityAudit -Profile Scap, Kspp }
        $script:LocalFail = @($Local | Where-Object Status -EQ Fail)
    }

    It 'carry ComputerName and Timestamp locally' {
        foreach ($f in $Local) {
            $f.ComputerName | Should -BeExactly ([IO.File]::ReadAllText('/proc/sys/kernel/hostname').Trim())
            $f.Timestamp.Kind | Should -Be 'Utc'
            ([DateTime]::UtcNow - $f.Timestamp).TotalMinutes | Should -BeLessThan 10
        }
    }

    It 'filter by Status, Profile and Severity after Export-Clixml / Import-Clixml' {
        $LocalFail.Count | Should -BeGreaterThan 0
        $xml = Join-Path $Work 'findings.xml'
        $Local | Export-Clixml $xml
        $back = Import-Clixml $xml
        $back[0].PSObject.TypeNames | Should -Contain 'Deserialized.PerfSecurity.Finding'
        $fail = @($back | Where-Object Status -EQ Fail)
        $fail.Id | Should -Be $LocalFail.Id
        @($back | Where-Object Profile -EQ Kspp).Count | Should -Be @($Local | Where-Object Profile -EQ Kspp).Count
        @($back | Where-Object Severity -EQ Medium).Count | Should -Be @($Local | Where-Object Severity -EQ Medium).Count
        $back[0].ComputerName | Should -BeExactly $Local[0].ComputerName
        $back[0].Timestamp | Should -Be $Local[0].Timestamp
        $back[0].Timestamp.Kind | Should -Be 'Utc'
    }

    It 'write names, not numbers, in JSON, and filter after ConvertFrom-Json' {
        $json = $Local | ConvertTo-Json
        $json | Should -Match '"Status": "Fail"'
        $json | Should -Match '"Profile": "Kspp"'
        $json | Should -Not -Match '"(Status|Profile|Severity)": \d'
        $back = $json | ConvertFrom-Json
        @($back | Where-Object Status -EQ Fail).Id | Should -Be $LocalFail.Id
        $back[0].Timestamp | Should -Be $Local[0].Timestamp
    }

    It 'render exactly as the live objects do once deserialized (same view, same values)' {
        $back = Import-Clixml (Join-Path $Work 'findings.xml')
        ($back | Out-String -Width 200) | Should -BeExactly ($Local | Out-String -Width 200)
    }
}

Describe 'Repair-PerfSecurityFinding with saved findings' -Tag Kernel {
    BeforeAll {
        $script:Dir = "/var/tmp/pstser{0}" -f (Get-Random)
        $null = New-Item -ItemType Directory $Dir
    }
    AfterAll { Remove-Item -Recurse -Force $Dir -ErrorAction SilentlyContinue }
    AfterEach { Restore-ParanoidState $Saved }

    It 'repairs a finding read back from <Via>' -ForEach @(
        @{ Via = 'CliXML'; Read = { param($f, $dir) $f | Export-Clixml "$dir/f.xml"; Import-Clixml "$dir/f.xml" } }
        @{ Via = 'JSON'; Read = { param($f, $dir) $f | ConvertTo-Json | ConvertFrom-Json } }
    ) {
        Set-ParanoidRuntime 1
        $saved = & $Read (Invoke-PerfSecurityAudit -Profile Kspp -Id PERF-PARANOID-RUNTIME) $Dir
        $saved.Status | Should -Be 'Fail'
        $saved.PSObject.TypeNames[0] | Should -Not -Be 'PerfSecurity.Finding'
        $after = $saved | Repair-PerfSecurityFinding -PassThru
        Get-ParanoidRuntime | Should -Be 3
        $after.Status | Should -Be 'Pass'
    }

    It 'repairs a per-file finding read back from JSON, by its Target' {
        $perf = Join-Path $Dir 'perf'
        Copy-Item /bin/true $perf
        & chmod 0755 $perf
        & setcap cap_perfmon=ep $perf
        $saved = Invoke-PerfSecurityAudit -Path $perf -Id PERF-BINARY-OTHERS-EXECUTE | ConvertTo-Json | ConvertFrom-Json
        $saved.Status | Should -Be 'Fail'
        $saved.Target | Should -Be $perf
        $saved | Repair-PerfSecurityFinding
        (& stat -c '%a' $perf) | Should -Be '750'
        (& getcap $perf) | Should -Match 'cap_perfmon=ep'
    }

    It 'judges again and changes nothing when a saved finding claims a failure that is not there' {
        Set-ParanoidRuntime 3
        $forged = Invoke-PerfSecurityAudit -Profile Kspp -Id PERF-PARANOID-RUNTIME | ConvertTo-Json | ConvertFrom-Json
        $forged.Status | Should -Be 'Pass'
        $forged.Status = 'Fail'; $forged.Actual = '-1'; $forged.Remediation = 'Set-PerfParanoid -Level -1'
        $before = Get-SystemFingerprint
        $forged | Repair-PerfSecurityFinding -Confirm:$false
        Get-SystemFingerprint | Should -Be $before
        Get-ParanoidRuntime | Should -Be 3
    }
}
