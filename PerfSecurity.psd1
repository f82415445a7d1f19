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
            ReleaseNotes = @'
0.1.0: the first release, the kernel guide "Perf events and tool security" as 35 cmdlets.
- Kernel settings: perf_event_paranoid now and at the next boot (as systemd-sysctl and sysctl --system compute it), the perf sysctls and kptr_restrict.
- Capabilities without libcap: file capabilities read, written, tested and scanned as getcap/setcap do; process capabilities and secure bits as pscap and capsh show them.
- The perf_users group and the capsh-based capability shell, each built in one safe step.
- mlock and file-descriptor budgets for concurrent perf sessions, with pam_limits resolved.
- Counting through perf_event_open: event strings as perf parses them, Measure-PerfCommand like perf stat, counter sessions.
- Who may do what: Get-PerfAccess per perf scope, audit-log denials, what a perf.data file exposes, which perf a host has.
- An audit against the kernel guide, SCAP/STIG, KSPP and Lynis with repairs, a Pester compliance suite, baselines with drift, Markdown and HTML reports.
See CHANGELOG.md.
'@
        }
    }
}
