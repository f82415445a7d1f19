@{
    RootModule           = 'PerfSecurity.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b8f3c2e-7d1a-4e0b-9c6f-2a4d8e1f3b70'
    Author               = 'PerfSecurity contributors'
    CompanyName          = 'PerfSecurity'
    Copyright            = '(c) PerfSecurity contributors. MIT License.'
    Description          = 'The Linux kernel guide "Perf events and tool security" as PowerShell commands: perf_event_paranoid, file and process capabilities, the perf_users group and capability shell, mlock and file-descriptor budgets, counting through perf_event_open, and a security audit of the host.'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.4'
    FormatsToProcess     = @('PerfSecurity.Format.ps1xml')
    TypesToProcess       = @('PerfSecurity.Types.ps1xml')
    CmdletsToExport      = @(
        'Add-PerfUsersGroupMember'
        'Compare-PerfSecurityBaseline'
        'ConvertFrom-PerfCapabilityMask'
        'ConvertFrom-PerfSecureBits'
        'ConvertTo-PerfCapabilityMask'
        'ConvertTo-PerfSecurityReport'
        'Export-PerfSecurityBaseline'
        'Get-PerfAccess'
        'Get-PerfCapability'
        'Get-PerfCapabilityDenial'
        'Get-PerfCounterSession'
        'Get-PerfDataExposure'
        'Get-PerfEvent'
        'Get-PerfParanoid'
        'Get-PerfProcessCapability'
        'Get-PerfSysctl'
        'Get-PerfToolInfo'
        'Get-PerfUsersGroup'
        'Invoke-PerfSecurityAudit'
        'Invoke-PerfSecurityCompliance'
        'Measure-PerfCommand'
        'Measure-PerfFileDescriptorBudget'
        'Measure-PerfMlockBudget'
        'New-PerfCapabilityShell'
        'New-PerfUsersGroup'
        'Read-PerfCounter'
        'Remove-PerfCapability'
        'Remove-PerfCapabilityShell'
        'Remove-PerfUsersGroupMember'
        'Repair-PerfSecurityFinding'
        'Set-PerfCapability'
        'Set-PerfParanoid'
        'Start-PerfCounterSession'
        'Stop-PerfCounterSession'
        'Test-PerfCapability'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Linux', 'perf', 'perf_events', 'security', 'capabilities', 'perf_event_paranoid', 'CAP_PERFMON', 'compliance')
            LicenseUri   = 'https://opensource.org/license/mit'
            ReleaseNotes = 'First release: kernel settings (perf_event_paranoid and the perf sysctls).'
        }
    }
}
