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

Describe 'PowerShell remoting over SSH' {
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
        $firstLine = { param($o) ($o | Out-String -Stream | Where-Object { $_ -match '\S' } | Select-Object -First 1).Trim() }
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

    It 'runs a fleet-style query with -HostName and groups results by host' {
        $results = Invoke-Command @SessionArgs -ScriptBlock { param($m) Import-Module $m; Get-PerfSysctl } -ArgumentList $ModuleDir
        $groups = $results | Group-Object PSComputerName
        $groups.Name | Should -Be '127.0.0.1'
        $groups.Count | Should -Be (Get-PerfSysctl).Count
    }
}
