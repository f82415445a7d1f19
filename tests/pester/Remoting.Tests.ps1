BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:Server = Start-TestSshServer
    $script:SessionArgs = @{
        HostName    = $Server.HostName
        Port        = $Server.Port
        UserName    = $Server.UserName
        KeyFilePath = $Server.KeyFilePath
        Options     = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' }
    }
    $script:Session = New-PSSession @SessionArgs
    Invoke-Command -Session $Session -ScriptBlock { param($m) Import-Module $m } -ArgumentList $ModuleDir
}

AfterAll {
    if ($Session) { Remove-PSSession $Session }
    Stop-TestSshServer $Server
}

Describe 'PowerShell remoting over SSH' -Tag Remoting {
    It 'brings back <Command> objects with their type names, rendered by the same view' -ForEach @(
        @{ Command = 'Get-PerfParanoid' }
        @{ Command = 'Get-PerfSysctl' }
    ) {
        $remote = Invoke-Command -Session $Session -ScriptBlock { param($c) & $c } -ArgumentList $Command
        $local = & $Command
        $remote | Should -Not -BeNullOrEmpty
        $typeName = @($local)[0].GetType().FullName
        @($remote)[0].PSObject.TypeNames | Should -Contain "Deserialized.$typeName"
        # The same table view renders both: the remote header is the local one (plus the host column).
        $firstLine = { param($o) ($o | Out-String -Width 200 -Stream | Where-Object { $_ -match '\S' } | Select-Object -First 1).Trim() }
        $localHeader = & $firstLine $local
        $localHeader | Should -Not -Match 'TypeNames'
        (& $firstLine $remote) | Should -BeLike "$localHeader*"
    }

    It 'keeps property values across the wire' {
        $remote = Invoke-Command -Session $Session -ScriptBlock { Get-PerfParanoid }
        $remote.Level | Should -Be (Get-ParanoidRuntime)
        $remote.KernelProfiling | Should -BeOfType [bool]
        $remote.PSComputerName | Should -Be '127.0.0.1'
    }

    It 'brings back findings whose enums filter by name, with the remote host name, and that repair locally' -Tag Kernel {
        $saved = Save-ParanoidState
        try {
            Set-ParanoidRuntime 1
            $remote = Invoke-Command -Session $Session -ScriptBlock { Invoke-PerfSecurityAudit -Profile Scap, Kspp }
            $local = Invoke-PerfSecurityAudit -Profile Scap, Kspp
            $remote[0].PSObject.TypeNames | Should -Contain 'Deserialized.PerfSecurity.Finding'
            $remote[0].Status | Should -BeOfType [string]
            @($remote | Where-Object Status -EQ Fail).Id | Should -Be @($local | Where-Object Status -EQ Fail).Id
            @($remote | Where-Object { $_.Profile -eq 'Kspp' -and $_.Severity -eq 'Medium' }).Count |
                Should -Be @($local | Where-Object { $_.Profile -eq 'Kspp' -and $_.Severity -eq 'Medium' }).Count
            $remote.ComputerName | Sort-Object -Unique | Should -BeExactly ([Environment]::MachineName)
            $remote[0].Timestamp | Should -BeOfType [datetime]
            # The host is this one: the remote failure repairs here, re-evaluated from its Id, Profile and Target.
            $remote | Where-Object { $_.Id -eq 'PERF-PARANOID-RUNTIME' -and $_.Profile -eq 'Kspp' } | Repair-PerfSecurityFinding
            Get-ParanoidRuntime | Should -Be 3
        }
        finally { Restore-ParanoidState $saved }
    }

    It 'brings back Get-PerfParanoid''s KernelFlavor by name' {
        $remote = Invoke-Command -Session $Session -ScriptBlock { Get-PerfParanoid }
        $remote.KernelFlavor | Should -BeOfType [string]
        $remote.KernelFlavor | Should -BeExactly (Get-PerfParanoid).KernelFlavor.ToString()
    }

    It 'runs a fleet-style query with -HostName and groups results by host' {
        $results = Invoke-Command @SessionArgs -ScriptBlock { param($m) Import-Module $m; Get-PerfSysctl } -ArgumentList $ModuleDir
        $groups = $results | Group-Object PSComputerName
        $groups.Name | Should -Be '127.0.0.1'
        $groups.Count | Should -Be (Get-PerfSysctl).Count
    }
}
