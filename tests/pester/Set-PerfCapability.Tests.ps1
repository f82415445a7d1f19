BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/capabilities.ps1"
    $script:Scratch = New-CapScratch
    $script:Mounts = [System.Collections.Generic.List[string]]::new()
    function script:Get-XattrHex([string] $Path) {
        # The raw attribute as a second opinion on "untouched": getfattr is not always installed, getcap is.
        (& getcap $Path 2>&1) -join "`n"
    }
}

AfterAll {
    foreach ($m in $Mounts) { & umount $m 2>$null }
    Remove-Item -Recurse -Force $Scratch -ErrorAction SilentlyContinue
}

Describe 'Set-PerfCapability' {
    It 'writes 200 random sets that getcap reads back with the same text' {
        $rng = [System.Random]::new(424242)
        $dir = Join-Path $Scratch 'to-getcap'
        $null = New-Item -ItemType Directory $dir
        $specs = foreach ($k in 1..200) {
            $spec = New-RandomCapSpec $rng
            $spec | Add-Member Path (New-CapTarget $dir "f$k")
            Set-PerfCapability -LiteralPath $spec.Path -Text $spec.Text -Force
            $spec
        }
        $getcap = Get-Getcap $specs.Path
        foreach ($s in $specs) {
            $state = [PerfSecurity.Capabilities.CapabilityState]::new(
                [PerfSecurity.Capabilities.CapabilitySet]::new($(if ($s.Effective) { $s.Permitted -bor $s.Inheritable } else { 0 })),
                [PerfSecurity.Capabilities.CapabilitySet]::new($s.Permitted),
                [PerfSecurity.Capabilities.CapabilitySet]::new($s.Inheritable))
            $getcap[$s.Path] | Should -BeExactly ([PerfSecurity.Capabilities.CapabilityText]::Format($state)) -Because "'$($s.Text)'"
            (Get-PerfCapability -LiteralPath $s.Path).Text | Should -BeExactly $getcap[$s.Path]
        }
        # setcap -v agrees that each file holds exactly the requested set.
        $argv = foreach ($s in $specs) { $s.Text; $s.Path }
        & setcap -q -v @argv
        $LASTEXITCODE | Should -Be 0
    }

    It 'writes revision 3 with -RootId, as setcap -n does' {
        $f = New-CapTarget $Scratch 'rev3'
        $c = Set-PerfCapability $f -Capability cap_perfmon -RootId 100000 -PassThru
        $c.Revision | Should -Be 3
        $c.RootId | Should -Be 100000
        & getcap -n $f | Should -BeExactly "$f cap_perfmon=ep [rootid=100000]"
    }

    It 'takes names in any case, with or without cap_, numbers, and flags' {
        $f = New-CapTarget $Scratch 'names'
        Set-PerfCapability $f -Capability PERFMON, cap_SysLog, 19, 0x0e -Flag pe -Force # 19: cap_sys_ptrace, root-equivalent
        & getcap $f | Should -BeExactly "$f cap_ipc_lock,cap_sys_ptrace,cap_syslog,cap_perfmon=ep"
        Set-PerfCapability $f -Capability perfmon -Flag p
        & getcap $f | Should -BeExactly "$f cap_perfmon=p"
    }

    It 'replaces the whole set, like setcap' {
        $f = New-CapTarget $Scratch 'replace'
        Set-PerfCapability $f -Text 'cap_syslog,cap_sys_ptrace=ep' -Force
        Set-PerfCapability $f -Capability cap_perfmon
        (Get-PerfCapability $f).Text | Should -BeExactly 'cap_perfmon=ep'
    }

    It 'changes nothing with -WhatIf' {
        $f = New-CapTarget $Scratch 'whatif'
        & setcap cap_kill=p $f
        Set-PerfCapability $f -Capability cap_perfmon -WhatIf
        & getcap $f | Should -BeExactly "$f cap_kill=p"
    }

    It 'returns the new state with -PassThru and changes nothing the second time' {
        $f = New-CapTarget $Scratch 'passthru'
        $c = Set-PerfCapability $f -Capability cap_perfmon, cap_ipc_lock -PassThru
        $c.GetType().FullName | Should -Be 'PerfSecurity.FileCapability'
        $c.Text | Should -BeExactly 'cap_ipc_lock,cap_perfmon=ep'
        $ctime = (& stat -c %Z $f)
        Start-Sleep -Milliseconds 1100
        $again = Set-PerfCapability $f -Capability cap_perfmon, cap_ipc_lock -Verbose 4>&1
        ($again | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Match 'nothing to change'
        (& stat -c %Z $f) | Should -Be $ctime
    }

    It 'accepts an empty set (writes "=")' {
        $f = New-CapTarget $Scratch 'emptyset'
        Set-PerfCapability $f -Capability @()
        & getcap $f | Should -BeExactly "$f ="
    }

    It 'takes paths from the pipeline by property name' {
        $f = New-CapTarget $Scratch 'bypipe'
        Get-Item $f | Set-PerfCapability -Capability cap_perfmon
        & getcap $f | Should -BeExactly "$f cap_perfmon=ep"
    }

    It 'asks before granting cap_sys_admin or all, and grants with -Force' {
        $f = New-CapTarget $Scratch 'admin'
        # A non-interactive host cannot answer ShouldContinue: the write must not happen.
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$ModuleDir'; Set-PerfCapability '$f' -Capability cap_sys_admin")
        $null = $ps.Invoke()
        $asked = @($ps.Streams.Error | Where-Object FullyQualifiedErrorId -Like 'HostFunctionNotImplemented*')
        $ps.Dispose()
        $asked.Count | Should -Be 1 -Because 'the command must have asked for confirmation'
        "$($asked[0])" | Should -Match 'CAP_SYS_ADMIN'
        & getcap $f | Should -BeNullOrEmpty
        # A grant of cap_perfmon does not ask.
        Set-PerfCapability $f -Capability cap_perfmon
        & getcap $f | Should -BeExactly "$f cap_perfmon=ep"
        Set-PerfCapability $f -Text 'all=ep' -Force
        & getcap $f | Should -BeExactly "$f =ep"
    }

    Context 'bad input' {
        It 'rejects <Case> with <Id> and changes nothing' -ForEach @(
            @{ Case = 'an unknown name'; Params = @{ Capability = 'cap_nothing' }; Id = 'PerfCapabilityUnknownName' }
            @{ Case = 'invalid text'; Params = @{ Text = 'cap_perfmon =ep' }; Id = 'PerfCapabilityInvalidText' }
            @{ Case = 'upper-case flags'; Params = @{ Text = 'cap_perfmon=EP' }; Id = 'PerfCapabilityInvalidText' }
            @{ Case = 'a bad flag'; Params = @{ Capability = 'cap_perfmon'; Flag = 'ex' }; Id = 'PerfCapabilityInvalidFlag' }
            @{ Case = 'effective not equal to permitted|inheritable'; Params = @{ Text = 'cap_perfmon=ep cap_syslog=p' }; Id = 'PerfCapabilityInvalidEffective' }
            @{ Case = 'effective alone'; Params = @{ Capability = 'cap_perfmon'; Flag = 'e' }; Id = 'PerfCapabilityInvalidEffective' }
        ) {
            $f = New-CapTarget $Scratch "bad$(Get-Random)"
            & setcap cap_kill=p $f
            $err = try { Set-PerfCapability -Path $f @Params; $null } catch { $_ }
            $err.FullyQualifiedErrorId | Should -Be "$Id,PerfSecurity.Commands.SetPerfCapabilityCommand"
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            & getcap $f | Should -BeExactly "$f cap_kill=p"
        }
    }

    Context 'refusals' {
        It 'refuses a script' {
            $f = Join-Path $Scratch 'script.sh'
            Set-Content $f "#!/bin/sh`necho hi"
            & chmod 755 $f
            Set-PerfCapability $f -Capability cap_perfmon -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'PerfCapabilityTargetIsScript,PerfSecurity.Commands.SetPerfCapabilityCommand'
            & getcap $f | Should -BeNullOrEmpty
        }

        It 'refuses a symlink and leaves its target alone' {
            $t = New-CapTarget $Scratch 'linktarget'
            $l = Join-Path $Scratch 'thelink'
            $null = New-Item -ItemType SymbolicLink -Path $l -Target $t
            Set-PerfCapability -LiteralPath $l -Capability cap_perfmon -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'PerfCapabilityTargetIsSymlink,PerfSecurity.Commands.SetPerfCapabilityCommand'
            $err[0].Exception.Message | Should -Match ([regex]::Escape($t))
            & getcap $t | Should -BeNullOrEmpty
        }

        It 'refuses a file that others can write (mode <Mode>, owner <Owner>)' -ForEach @(
            @{ Mode = '775'; Owner = 'root' }
            @{ Mode = '757'; Owner = 'root' }
            @{ Mode = '755'; Owner = 'nobody' }
        ) {
            $f = New-CapTarget $Scratch "writable$(Get-Random)" $Mode
            & chown $Owner $f
            Set-PerfCapability $f -Capability cap_perfmon -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'PerfCapabilityTargetWritable,PerfSecurity.Commands.SetPerfCapabilityCommand'
            $err[0].CategoryInfo.Category | Should -Be 'SecurityError'
            & getcap $f | Should -BeNullOrEmpty
        }

        It 'refuses a directory' {
            $d = Join-Path $Scratch 'adir'
            $null = New-Item -ItemType Directory $d
            Set-PerfCapability $d -Capability cap_perfmon -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'PerfCapabilityTargetNotRegularFile,PerfSecurity.Commands.SetPerfCapabilityCommand'
        }

        It 'refuses a file on a nosuid mount' -Tag Kernel {
            $m = Join-Path $Scratch 'nosuid'
            $null = New-Item -ItemType Directory $m
            & mount -t tmpfs -o nosuid,size=1m tmpfs $m
            $LASTEXITCODE | Should -Be 0
            $Mounts.Add($m)
            $f = New-CapTarget $m 'tool'
            Set-PerfCapability $f -Capability cap_perfmon -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'PerfCapabilityNosuidMount,PerfSecurity.Commands.SetPerfCapabilityCommand'
            $err[0].Exception.Message | Should -Match 'New-PerfCapabilityShell'
            & getcap $f | Should -BeNullOrEmpty
        }

        It 'reports a filesystem without xattr support (ramfs) and suggests the capability shell' -Tag Kernel {
            $m = Join-Path $Scratch 'ramfs'
            $null = New-Item -ItemType Directory $m
            & mount -t ramfs -o mode=755 ramfs $m
            $LASTEXITCODE | Should -Be 0
            $Mounts.Add($m)
            $f = New-CapTarget $m 'tool'
            Set-PerfCapability $f -Capability cap_perfmon -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'PerfCapabilityNotSupported,PerfSecurity.Commands.SetPerfCapabilityCommand'
            $err[0].CategoryInfo.Category | Should -Be 'NotImplemented'
            $err[0].Exception.Message | Should -Match 'New-PerfCapabilityShell'
            Get-PerfCapability $f | Should -BeNullOrEmpty
        }

        It 'goes on with the next file after a refusal' {
            $bad = Join-Path $Scratch 'script2'
            Set-Content $bad "#!/bin/sh"
            & chmod 755 $bad
            $good = New-CapTarget $Scratch 'good'
            Set-PerfCapability $bad, $good -Capability cap_perfmon -ErrorAction SilentlyContinue
            & getcap $good | Should -BeExactly "$good cap_perfmon=ep"
        }
    }

    Context 'as an unprivileged user' -Tag Unprivileged {
        BeforeAll {
            $script:User = New-TestUser 'pscaps'
            $script:Target = New-CapTarget $Scratch 'userfile'
            & setcap cap_kill=p $Target
        }
        AfterAll { Remove-TestUser $User }

        It 'fails with PermissionDenied and changes nothing' {
            $r = Invoke-AsUser $User { param($f) Set-PerfCapability $f -Capability cap_perfmon } -ArgumentList $Target
            $r.ErrorId | Should -Be 'PerfCapabilityWriteDenied,PerfSecurity.Commands.SetPerfCapabilityCommand'
            $r.Category | Should -Be 'PermissionDenied'
            $r.Message | Should -Match 'root'
            & getcap $Target | Should -BeExactly "$Target cap_kill=p"
        }
    }

    Context 'the kernel honours what it writes' -Tag Kernel, Unprivileged {
        It 'a copy of perf with cap_perfmon counts system-wide for an unprivileged user at paranoid 2; plain perf may not' {
            $perf = '/usr/bin/perf'
            if (-not (Test-Path $perf)) { Set-ItResult -Skipped -Because 'perf is not installed'; return }
            $dir = "/tmp/pscaps-perf-$(Get-Random)"
            $user = New-TestUser 'pscapk'
            try {
                $null = New-Item -ItemType Directory $dir
                & chmod 755 $dir
                Copy-Item $perf "$dir/perf"
                & chmod 755 "$dir/perf"
                Set-PerfCapability "$dir/perf" -Capability cap_perfmon
                $run = { param($p) & $p stat -a -e task-clock sleep 0.1 2>&1 | Out-String; "exit=$LASTEXITCODE" }
                Use-ParanoidLevel 2 {
                    $capable = Invoke-AsUser $user $run -ArgumentList "$dir/perf"
                    $plain = Invoke-AsUser $user $run -ArgumentList $perf
                    ($capable.Output -join "`n") | Should -Match 'exit=0'
                    ($capable.Output -join "`n") | Should -Match 'task-clock'
                    ($plain.Output -join "`n") | Should -Not -Match 'exit=0'
                    ($plain.Output -join "`n") | Should -Match 'perf_event_paranoid'
                }
            }
            finally {
                Remove-TestUser $user
                Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue
            }
        }
    }
}
