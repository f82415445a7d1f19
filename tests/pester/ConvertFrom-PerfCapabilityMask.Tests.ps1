BeforeAll {
    . "$PSScriptRoot/common.ps1"
}

Describe 'ConvertFrom-PerfCapabilityMask' {
    BeforeAll {
        # 320 masks: random densities, every bit as the highest set bit (0x8000000000000000 among them),
        # all ones, zero, and small masks whose hex is all digits (40, 1000), which PowerShell reads as numbers.
        $rng = [System.Random]::new(99)
        $script:Masks = [System.Collections.Generic.List[uint64]]::new()
        foreach ($top in 0..63) { $Masks.Add(([uint64]1 -shl $top) -bor ([uint64]$rng.NextInt64() -band (([uint64]1 -shl $top) - 1))) }
        $Masks.Add([uint64]::MaxValue); $Masks.Add(0)
        foreach ($k in 1..40) { $Masks.Add([Convert]::ToUInt64(($rng.Next(1, 99999999)).ToString(), 16)) }
        while ($Masks.Count -lt 320) {
            $bits = $rng.Next(0, 64)
            [uint64] $m = 0
            for ($n = 0; $n -lt 64; $n++) { if ($rng.Next(64) -lt $bits) { $m = $m -bor ([uint64]1 -shl $n) } }
            if ($Masks.Count % 5 -eq 0) { $m = $m -band 0x1ffffffffff }
            $Masks.Add($m)
        }
        # What capsh --decode prints for each, given the shortest hex (no leading zeros), as a user types it.
        $script:Short = foreach ($m in $Masks) { $m.ToString('x') }
        $script:Capsh = foreach ($h in $Short) { & capsh "--decode=$h" }
        function script:Compare-WithCapsh([object[]] $Ours, [string] $Form) {
            $Ours.Count | Should -Be $Masks.Count -Because $Form
            $agree = 0
            for ($k = 0; $k -lt $Masks.Count; $k++) { if ($Ours[$k].Text -ceq $Capsh[$k]) { $agree++ } }
            Write-Host "ConvertFrom-PerfCapabilityMask, $Form`: $agree of $($Masks.Count) agree with capsh --decode"
            for ($k = 0; $k -lt $Masks.Count; $k++) { $Ours[$k].Text | Should -BeExactly $Capsh[$k] -Because "$Form $($Short[$k])" }
        }
    }

    It 'agrees with capsh --decode on 320 masks given as /proc text' {
        Compare-WithCapsh @($Masks | ForEach-Object { $_.ToString('x16') } | ConvertFrom-PerfCapabilityMask) '16-digit text'
    }

    It 'agrees with capsh --decode on 320 masks typed on the command line, as capsh is given them' {
        # Each mask typed bare (digits-only ones become PowerShell numbers), and with 0x (a number, negative above 2^63).
        $bare = [scriptblock]::Create(($Short | ForEach-Object { "ConvertFrom-PerfCapabilityMask $_" }) -join "`n")
        Compare-WithCapsh @(& $bare) 'typed bare'
        $hex = [scriptblock]::Create(($Short | ForEach-Object { "ConvertFrom-PerfCapabilityMask 0x$_" }) -join "`n")
        Compare-WithCapsh @(& $hex) 'typed with 0x'
        $list = [scriptblock]::Create('ConvertFrom-PerfCapabilityMask ' + (($Short | ForEach-Object { "0x$_" }) -join ', '))
        Compare-WithCapsh @(& $list) 'typed as one list'
    }

    It 'takes [uint64] values, as the *Mask properties are, as the mask itself' {
        Compare-WithCapsh @($Masks | ConvertFrom-PerfCapabilityMask) 'uint64 values'
    }

    It 'reads a typed 40 as capsh --decode=40 does, and a computed 40 as the value' {
        (ConvertFrom-PerfCapabilityMask 40).Text | Should -BeExactly (& capsh --decode=40)
        $forty = 40
        (ConvertFrom-PerfCapabilityMask $forty).Text | Should -BeExactly (& capsh --decode=28)
    }

    It 'decodes the forms <Form>' -ForEach @(
        @{ Form = 'proc text'; In = '0000004000000000' }
        @{ Form = '0x text'; In = '0x4000000000' }
        @{ Form = 'an integer'; In = [uint64]274877906944 }
    ) {
        $r = ConvertFrom-PerfCapabilityMask -Mask $In
        $r.Names | Should -Be @('cap_perfmon')
        $r.Text | Should -BeExactly '0x0000004000000000=cap_perfmon'
        $r.Mask | Should -Be 274877906944
    }

    It 'reads a bare /proc mask typed as an argument as hex' {
        (ConvertFrom-PerfCapabilityMask 0000004000000000).Names | Should -Be @('cap_perfmon')
        (ConvertFrom-PerfCapabilityMask 0).Text | Should -BeExactly '0x0000000000000000='
    }

    It 'takes CapPrm-style properties and numbers from the pipeline' {
        ([pscustomobject]@{ CapPrm = '000001ffffffffff' } | ConvertFrom-PerfCapabilityMask).Names.Count | Should -Be 41
        (274877906944 | ConvertFrom-PerfCapabilityMask).Names | Should -Be @('cap_perfmon')
        ((Get-PerfProcessCapability -Id $PID).BoundingMask | ConvertFrom-PerfCapabilityMask).Names | Should -Be (Get-PerfProcessCapability -Id $PID).Bounding
    }

    It 'rejects <In> with PerfCapabilityInvalidMask (where capsh guesses)' -ForEach @(@{ In = 'xyz' }, @{ In = '0x' }, @{ In = '10000000000000000' }, @{ In = '12g' }, @{ In = '-1' }, @{ In = ' ' }) {
        ConvertFrom-PerfCapabilityMask $In -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'PerfCapabilityInvalidMask,PerfSecurity.Commands.ConvertFromPerfCapabilityMaskCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'ConvertTo-PerfCapabilityMask' {
    It 'turns names into the /proc mask' {
        $r = ConvertTo-PerfCapabilityMask perfmon, CAP_SYSLOG, 19
        $r.Hex | Should -BeExactly '0000004400080000'
        $r.Text | Should -BeExactly (& capsh --decode=0000004400080000)
    }

    It 'round-trips with ConvertFrom-PerfCapabilityMask and collects pipeline input into one mask' {
        $names = 'cap_chown', 'cap_ipc_lock', 'cap_checkpoint_restore'
        ($names | ConvertTo-PerfCapabilityMask | ConvertFrom-PerfCapabilityMask -Mask { $_.Hex }).Names | Should -Be $names
        ConvertTo-PerfCapabilityMask all | ForEach-Object Hex | Should -BeExactly ([PerfSecurity.Capabilities.CapabilitySet]::All.ToHex())
        (ConvertTo-PerfCapabilityMask @()).Hex | Should -BeExactly '0000000000000000'
    }

    It 'completes capability names with their meaning as tooltip' {
        $line = 'ConvertTo-PerfCapabilityMask cap_perf'
        $c = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $c.CompletionMatches.CompletionText | Should -Be @('cap_perfmon')
        $c.CompletionMatches[0].ToolTip | Should -Match 'perf_events'
        $line = 'Set-PerfCapability /x -Capability cap_sys_'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.Count | Should -BeGreaterThan 8
    }

    It 'rejects an unknown name' {
        ConvertTo-PerfCapabilityMask cap_nope -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'PerfCapabilityUnknownName,PerfSecurity.Commands.ConvertToPerfCapabilityMaskCommand'
    }
}

Describe 'ConvertFrom-PerfSecureBits' {
    It 'decodes 239 into the SECBIT_* flags and capsh text' {
        $r = ConvertFrom-PerfSecureBits 239
        $r.Text | Should -BeExactly "0357/0xef/8'b11101111"
        $r.Flags | Should -Be @('SECBIT_NOROOT', 'SECBIT_NOROOT_LOCKED', 'SECBIT_NO_SETUID_FIXUP', 'SECBIT_NO_SETUID_FIXUP_LOCKED', 'SECBIT_KEEP_CAPS_LOCKED', 'SECBIT_NO_CAP_AMBIENT_RAISE', 'SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED')
        $r.KeepCaps | Should -BeFalse
        $r.NoCapAmbientRaiseLocked | Should -BeTrue
    }

    It 'agrees with capsh --print run under those secure bits' -Tag Kernel {
        foreach ($bits in 0, 47, 239, 0x100, 0x500, 0xa00, 0xfef) {
            $line = & capsh "--secbits=$bits" --print | Where-Object { $_ -like 'Securebits:*' }
            $line | Should -Match ([regex]::Escape("Securebits: $((ConvertFrom-PerfSecureBits $bits).Text) "))
        }
    }

    It 'accepts octal and hex text and the SecureBits property' {
        (ConvertFrom-PerfSecureBits 0357).Value | Should -Be 239
        (ConvertFrom-PerfSecureBits '0xef').Value | Should -Be 239
        ((Get-PerfProcessCapability -Id $PID) | ConvertFrom-PerfSecureBits).Value | Should -Be 0
    }

    It 'rejects values above 4095, the highest with only bits the kernel defines' {
        (ConvertFrom-PerfSecureBits 4095).Flags | Should -HaveCount 12
        ConvertFrom-PerfSecureBits 4096 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'PerfSecureBitsInvalid,PerfSecurity.Commands.ConvertFromPerfSecureBitsCommand'
    }
}
