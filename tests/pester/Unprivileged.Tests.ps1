# Every exported cmdlet that changes the system (SupportsShouldProcess) is run as a real unprivileged
# user with valid arguments: each must end in PermissionDenied with nothing changed. A new cmdlet
# without a case here fails the first test, so none can be forgotten.
BeforeDiscovery {
    $script:Cases = @(
        @{ Name = 'Set-PerfParanoid'; Script = { Set-PerfParanoid -Level 1 -Persist -Force } }
        @{
            Name = 'Repair-PerfSecurityFinding'
            # A root-owned perf.data readable by others: the audit finds it, the repair's chmod is refused.
            Setup = {
                $dir = "/var/tmp/pstunpriv$(Get-Random -Minimum 10000 -Maximum 99999)"
                $null = New-Item -ItemType Directory $dir
                & chmod 0755 $dir
                & perf record -q -e cpu-clock -o "$dir/perf.data" -- sleep 0.1 2>&1 | Out-Null
                & chmod 0644 "$dir/perf.data"
                "$dir/perf.data"
            }
            Script = { param($file) Invoke-PerfSecurityAudit -Id PERF-DATA-READABLE -DataPath $file | Repair-PerfSecurityFinding -Force }
            Cleanup = { param($target) Remove-Item -Recurse -Force (Split-Path $target) }
        }
        @{
            Name    = 'Set-PerfCapability'
            Setup   = { New-TestBinary }
            Script  = { param($path) Set-PerfCapability -Path $path -Capability cap_perfmon -Force }
            Cleanup = { param($path) Remove-Item -Recurse -Force (Split-Path $path) }
        }
        @{
            Name    = 'Remove-PerfCapability'
            Setup   = { $p = New-TestBinary; & setcap cap_perfmon=ep $p; $p }
            Script  = { param($path) Remove-PerfCapability -Path $path }
            Cleanup = { param($path) Remove-Item -Recurse -Force (Split-Path $path) }
        }
        # A fresh 0755 copy of perf in its own directory: every step of the procedure would be needed.
        @{ Name = 'New-PerfUsersGroup'; Script = { param($p) New-PerfUsersGroup -Name pug_unpriv -Path $p -Member root }
           Setup = { $d = "/tmp/pug-unpriv-$(Get-Random)"; $null = New-Item -ItemType Directory $d; Copy-Item /usr/bin/perf "$d/perf"; & chmod 755 $d "$d/perf"; "$d/perf" }
           Cleanup = { param($p) Remove-Item -Recurse -Force (Split-Path $p) } }
        @{ Name = 'Add-PerfUsersGroupMember'; Script = { Add-PerfUsersGroupMember -UserName root -Name pug_unpriv_g }
           Setup = { & groupadd pug_unpriv_g; @() }; Cleanup = { & groupdel pug_unpriv_g } }
        @{ Name = 'Remove-PerfUsersGroupMember'; Script = { Remove-PerfUsersGroupMember -UserName root -Name pug_unpriv_g }
           Setup = { & groupadd pug_unpriv_g; & gpasswd -a root pug_unpriv_g *> $null; @() }; Cleanup = { & groupdel pug_unpriv_g } }
        @{ Name = 'New-PerfCapabilityShell'; Script = { New-PerfCapabilityShell -Path /usr/local/bin/pug-unpriv-shell -Group root -SudoersPath /etc/sudoers.d/pugunpriv -NoPassword } }
        @{ Name = 'Remove-PerfCapabilityShell'; Script = { param($p) Remove-PerfCapabilityShell -Path $p -SudoersPath /etc/sudoers.d/pugunpriv2 }
           Setup = { $d = New-RootOnlyDirectory 'pug-unpriv'
                     New-PerfCapabilityShell -Path "$d/shell" -Group root -SudoersPath /etc/sudoers.d/pugunpriv2; "$d/shell" }
           Cleanup = { param($p) Remove-Item -Force /etc/sudoers.d/pugunpriv2 -ErrorAction SilentlyContinue; Remove-Item -Recurse -Force (Split-Path $p) } }
    )
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:User = New-TestUser

    # A root-owned copy of a real binary in a directory everyone can reach: a valid target.
    function New-TestBinary {
        $dir = Join-Path ([IO.Path]::GetTempPath()) ("psunpriv" + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory $dir
        Copy-Item /bin/true "$dir/tool"
        & chmod 0755 $dir "$dir/tool"
        "$dir/tool"
    }
}

AfterAll { Remove-TestUser $User }

Describe 'Cmdlets that change the system, run by an unprivileged user' -Tag Unprivileged {
    It 'has a case for every cmdlet that supports ShouldProcess' {
        $changing = Get-Command -Module PerfSecurity | Where-Object {
            $_.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].SupportsShouldProcess
        }
        # Stopping a counter session closes this process's own descriptors, and a baseline is a file the caller
        # writes where the caller may write (PerfSecurityBaseline.Tests.ps1 tests it as a user): nothing else changes.
        $sessionOnly = @('Stop-PerfCounterSession', 'Export-PerfSecurityBaseline')
        $covered = $Cases | ForEach-Object { $_.Name }
        foreach ($c in $changing | Where-Object Name -NotIn $sessionOnly) { $covered | Should -Contain $c.Name -Because "$($c.Name) changes the system" }
    }

    It '<Name> ends in PermissionDenied and changes nothing' -Tag Slow -ForEach $Cases {
        $target = if ($Setup) { & $Setup } else { @() }
        try {
            $before = Get-SystemFingerprint -Path $target
            $r = Invoke-AsUser $User $Script -ArgumentList $target
            $r.Category | Should -Be 'PermissionDenied' -Because "$($r.ErrorId): $($r.Message)"
            Get-SystemFingerprint -Path $target | Should -Be $before
        }
        finally { if ($Cleanup) { & $Cleanup $target } }
    }
}
