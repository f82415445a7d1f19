# Set-/Remove-PerfCapability on a security.capability value the kernel will not return, next to setcap and
# setcap -r on identical files. The kernel refuses to store a malformed value through setxattr, so the values
# are written into an ext4 image with debugfs and read back through a loop mount; EOVERFLOW comes from a
# revision-3 value read inside a user namespace that does not map its root uid.
BeforeDiscovery {
    $script:Missing = @('debugfs', 'mkfs.ext4', 'getfattr', 'unshare') | Where-Object { -not (Get-Command $_ -ErrorAction SilentlyContinue) }
    $script:NoLoop = -not (Test-Path /dev/loop-control)
    # Raw values (hex) the kernel's getxattr answers with EINVAL: wrong sizes, unknown revisions, unknown flags.
    $script:CorruptValues = @(
        @{ Name = 'rev1';      Hex = '000000010000000000000000' }           # revision 1, 12 bytes (exec reads it, getxattr does not)
        @{ Name = 'rev2short'; Hex = '01000002000000000000000000000000' }   # revision 2 in 16 bytes
        @{ Name = 'rev2long';  Hex = '010000020000000000000000000000000000000000000000' }
        @{ Name = 'rev3short'; Hex = '0100000300000000000000000000000000000000' }
        @{ Name = 'rev5';      Hex = '0000000500000000000000000000000000000000' }
        @{ Name = 'rev2flag';  Hex = '0200000200000000000000000000000000000000' } # flag bit 1 is not defined
        @{ Name = 'short3';    Hex = '000002' }
        @{ Name = 'empty';     Hex = '' }
    )
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/capabilities.ps1"
    $script:Scratch = New-CapScratch
    $script:Image = Join-Path $Scratch 'caps.img'
    $script:Mount = Join-Path $Scratch 'm'
    $script:Mounted = $false
    $script:Roles = 'setcap-r', 'module-r', 'setcap', 'module', 'whatif'

    function script:Invoke-Debugfs([string] $Request, [switch] $Write) {
        $out = if ($Write) { & debugfs -w -R $Request $Image 2>&1 } else { & debugfs -R $Request $Image 2>&1 }
        if ($LASTEXITCODE -ne 0) { throw "debugfs $Request failed: $out" }
        $out
    }

    function script:Get-RawAttribute([string] $Name) {
        # The bytes on disk (debugfs on the unmounted image), or $null when the inode has no such attribute.
        $file = Join-Path $Scratch "raw-$Name"
        Remove-Item $file -ErrorAction SilentlyContinue
        $null = Invoke-Debugfs "ea_get -f $file $Name security.capability"
        if (Test-Path $file) { [Convert]::ToHexString([IO.File]::ReadAllBytes($file)).ToLowerInvariant() } else { $null }
    }

    function script:Get-KernelRead([string] $Path) {
        # What getxattr answers, through getfattr: the hex value, or the error text.
        $out = (& getfattr --absolute-names -e hex -n security.capability $Path 2>&1) -join "`n"
        if ($out -match 'security\.capability=0x([0-9a-f]+)') { $Matches[1] } elseif ($out -match ': security\.capability: (.+)$') { $Matches[1] } else { $out }
    }

    function script:Invoke-ChildPwsh([string] $Command, [switch] $InUserNamespace) {
        # A fresh pwsh with the module; -InUserNamespace runs it under unshare -Ur (uid 0 mapped to 0 only).
        # Verbose records become output lines: a child started with -EncodedCommand writes them to the terminal.
        $script = "`$ErrorActionPreference = 'Stop'; Import-Module '$ModuleDir'; & { $Command } 4>&1 | ForEach-Object { `"`$_`" }"
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))
        $argv = @("$PSHOME/pwsh.dll", '-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded)
        $out = if ($InUserNamespace) { & unshare -Ur dotnet @argv 2>&1 } else { & dotnet @argv 2>&1 }
        $out | ForEach-Object { "$_" }
    }

    if (-not $Missing -and -not $NoLoop) {
        & truncate -s 16M $Image
        & mkfs.ext4 -q -F $Image
        foreach ($case in $CorruptValues) {
            $value = Join-Path $Scratch "value-$($case.Name)"
            [IO.File]::WriteAllBytes($value, [Convert]::FromHexString($case.Hex))
            foreach ($role in $Roles) {
                $null = Invoke-Debugfs "write /bin/true $($case.Name)-$role" -Write
                $null = Invoke-Debugfs "ea_set -f $value $($case.Name)-$role security.capability" -Write
            }
        }
        $null = New-Item -ItemType Directory $Mount
        & mount -o loop $Image $Mount
        if ($LASTEXITCODE -ne 0) { throw 'mount -o loop failed' }
        $script:Mounted = $true
        & chmod 755 $Mount
    }
}

AfterAll {
    if ($Mounted) { & umount $Mount }
    Remove-Item -Recurse -Force $Scratch -ErrorAction SilentlyContinue
}

Describe 'A malformed security.capability (EINVAL)' -Tag Kernel -Skip:($Missing -or $NoLoop) {
    It '<Name>: the kernel will not return it, and Get-PerfCapability says so' -ForEach $CorruptValues {
        Get-KernelRead "$Mount/$Name-whatif" | Should -BeExactly 'Invalid argument'
        Get-PerfCapability -LiteralPath "$Mount/$Name-whatif" -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'PerfCapabilityReadFailed,PerfSecurity.Commands.GetPerfCapabilityCommand'
    }

    It '<Name>: Remove-PerfCapability removes it where setcap -r does' -ForEach $CorruptValues {
        & setcap -r "$Mount/$Name-setcap-r" 2>&1 | Out-Null
        $setcapCode = $LASTEXITCODE
        $verbose = Remove-PerfCapability -LiteralPath "$Mount/$Name-module-r" -Verbose -ErrorVariable err 4>&1
        $err | Should -BeNullOrEmpty
        $setcapCode | Should -Be 0
        $after = Get-KernelRead "$Mount/$Name-module-r"
        $after | Should -BeExactly (Get-KernelRead "$Mount/$Name-setcap-r")
        $after | Should -BeExactly 'No such attribute'
        ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" |
            Should -Match 'unreadable: the kernel will not return it'
    }

    It '<Name>: Set-PerfCapability overwrites it where setcap does' -ForEach $CorruptValues {
        & setcap cap_perfmon,cap_syslog=ep "$Mount/$Name-setcap"
        $LASTEXITCODE | Should -Be 0
        $r = Set-PerfCapability -LiteralPath "$Mount/$Name-module" -Capability cap_perfmon, cap_syslog -PassThru
        $r.Text | Should -BeExactly 'cap_syslog,cap_perfmon=ep'
        Get-KernelRead "$Mount/$Name-module" | Should -BeExactly (Get-KernelRead "$Mount/$Name-setcap")
        (& getcap "$Mount/$Name-module") | Should -BeExactly "$Mount/$Name-module cap_syslog,cap_perfmon=ep"
    }

    It '-WhatIf says the old value is unreadable and changes nothing' {
        # What-if lines go to the host, so a child pwsh prints them where they can be captured.
        $files = $CorruptValues | ForEach-Object { "$Mount/$($_.Name)-whatif" }
        $out = Invoke-ChildPwsh "foreach (`$f in '$($files -join "','")') { Remove-PerfCapability -LiteralPath `$f -WhatIf; Set-PerfCapability -LiteralPath `$f -Capability cap_perfmon -WhatIf }"
        foreach ($f in $files) {
            $lines = $out | Where-Object { $_ -like "*`"$f`"*" }
            $lines | Should -HaveCount 2
            $lines[0] | Should -Match 'Remove file capabilities \(unreadable: the kernel will not return it'
            $lines[1] | Should -Match "Set file capabilities 'cap_perfmon=ep' \(was unreadable: the kernel will not return it"
            Get-KernelRead $f | Should -BeExactly 'Invalid argument'
        }
    }

    It 'leaves the bytes on disk as debugfs reads them: removed, replaced, or (after -WhatIf) untouched' {
        & umount $Mount
        $LASTEXITCODE | Should -Be 0
        $script:Mounted = $false
        foreach ($case in $CorruptValues) {
            Get-RawAttribute "$($case.Name)-module-r" | Should -BeNullOrEmpty -Because "$($case.Name) was removed"
            Get-RawAttribute "$($case.Name)-module" | Should -BeExactly (Get-RawAttribute "$($case.Name)-setcap") -Because "$($case.Name) was replaced"
            Get-RawAttribute "$($case.Name)-whatif" | Should -BeExactly $case.Hex -Because "$($case.Name) was only previewed"
        }
    }
}

Describe 'A revision-3 value whose root uid is not mapped (EOVERFLOW)' -Tag Kernel -Skip:([bool]$Missing) {
    BeforeAll {
        $script:Ns = Join-Path $Scratch 'ns'
        $null = New-Item -ItemType Directory $Ns
        & chmod 755 $Ns
        foreach ($role in $Roles) {
            $f = New-CapTarget $Ns $role
            & setcap -n 100000 cap_perfmon=ep $f
        }
    }

    It 'is unreadable in the namespace (getfattr: EOVERFLOW) and readable outside' {
        $inside = (& unshare -Ur getfattr --absolute-names -e hex -n security.capability "$Ns/whatif" 2>&1) -join "`n"
        $inside | Should -Match 'Value too large for defined data type'
        & getcap -n "$Ns/whatif" | Should -BeExactly "$Ns/whatif cap_perfmon=ep [rootid=100000]"
    }

    It 'is removed by Remove-PerfCapability where setcap -r removes it' {
        & unshare -Ur setcap -r "$Ns/setcap-r"
        $LASTEXITCODE | Should -Be 0
        $out = Invoke-ChildPwsh -InUserNamespace "Remove-PerfCapability -LiteralPath '$Ns/module-r' -Verbose"
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        ($out -join "`n") | Should -Match 'unreadable: it is revision 3 with a root uid that has no mapping'
        & getcap -n "$Ns/module-r" "$Ns/setcap-r" | Should -BeNullOrEmpty
    }

    It 'is overwritten by Set-PerfCapability where setcap overwrites it' {
        & unshare -Ur setcap cap_kill=ep "$Ns/setcap"
        $LASTEXITCODE | Should -Be 0
        $out = Invoke-ChildPwsh -InUserNamespace "Set-PerfCapability -LiteralPath '$Ns/module' -Capability cap_kill"
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        $setcap = & getcap -n "$Ns/setcap"
        $setcap | Should -BeExactly "$Ns/setcap cap_kill=ep"
        & getcap -n "$Ns/module" | Should -BeExactly ($setcap -replace '/setcap ', '/module ')
    }

    It 'is left alone by -WhatIf' {
        $out = Invoke-ChildPwsh -InUserNamespace "Remove-PerfCapability -LiteralPath '$Ns/whatif' -WhatIf"
        ($out -join "`n") | Should -Match 'unreadable: it is revision 3'
        & getcap -n "$Ns/whatif" | Should -BeExactly "$Ns/whatif cap_perfmon=ep [rootid=100000]"
    }
}
