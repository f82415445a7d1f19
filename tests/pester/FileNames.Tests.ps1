# File names as the kernel has them: bytes that are not UTF-8, backslashes, wildcard characters. What the
# module finds is compared, byte for byte, with find and getcap -r; what it changes is checked with getcap -r.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/capabilities.ps1"
    $script:Scratch = New-CapScratch
    $script:Tree = Join-Path $Scratch 'tree'
    $null = New-Item -ItemType Directory $Tree
    & chmod 755 $Tree

    # printf formats for the names (octal escapes): invalid bytes, a cut sequence, an encoded surrogate, an
    # overlong '/', a 4-byte character, and names PowerShell's own paths rewrite or glob.
    $script:Names = @(
        'bad\377\376name', 'cut\303', 'surrogate\355\240\200', 'overlong\300\257', 'emoji\360\237\230\200', 'caf\303\251',
        'a[1]', 'back\134slash', 'star*', 'tab\011name', 'sub\377dir/inner'
    )
    & sh -c 'cd "$1"; shift; for f in "$@"; do n=$(printf "$f"); mkdir -p "$(dirname "$n")"; printf "\177ELF" > "$n"; chmod 755 "$n"; setcap cap_perfmon=ep "$n" || exit 1; done' sh $Tree @Names
    if ($LASTEXITCODE -ne 0) { throw 'creating the names failed' }

    function script:Invoke-Bytes([string] $File, [string[]] $ArgumentList) {
        # A command's standard output as bytes: PowerShell would decode it and replace what is not UTF-8.
        $psi = [System.Diagnostics.ProcessStartInfo]::new($File)
        foreach ($a in $ArgumentList) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $p = [System.Diagnostics.Process]::Start($psi)
        $ms = [System.IO.MemoryStream]::new()
        $p.StandardOutput.BaseStream.CopyTo($ms)
        $p.WaitForExit()
        , $ms.ToArray()
    }

    function script:Split-Bytes([byte[]] $Bytes, [byte] $Separator) {
        $start = 0
        for ($i = 0; $i -lt $Bytes.Length; $i++) {
            if ($Bytes[$i] -eq $Separator) {
                if ($i -gt $start) { , $Bytes[$start..($i - 1)] }
                $start = $i + 1
            }
        }
        if ($start -lt $Bytes.Length) { , $Bytes[$start..($Bytes.Length - 1)] }
    }

    function script:Get-GetcapTree {
        # getcap -r: path bytes (hex) -> text, split at the last space of each line.
        $map = @{}
        foreach ($line in Split-Bytes (Invoke-Bytes getcap @('-r', $Tree)) 10) {
            $space = [Array]::LastIndexOf([byte[]]$line, [byte]32)
            $map[[Convert]::ToHexString([byte[]]$line[0..($space - 1)])] = [Text.Encoding]::ASCII.GetString([byte[]]$line[($space + 1)..($line.Length - 1)])
        }
        $map
    }
}

AfterAll {
    # rm, not Remove-Item: .NET cannot name every one of these files.
    & rm -rf $Scratch
}

Describe 'File names that PowerShell cannot write as text' {
    It 'finds with -Recurse exactly the files find and getcap -r find, with their bytes' {
        $found = @(Get-PerfCapability -Recurse $Tree)
        $find = @(Split-Bytes (Invoke-Bytes find @($Tree, '-type', 'f', '-print0')) 0 | ForEach-Object { [Convert]::ToHexString([byte[]]$_) } | Sort-Object)
        $getcap = Get-GetcapTree
        $find.Count | Should -Be $Names.Count
        @($found | ForEach-Object { [Convert]::ToHexString($_.RawPath) } | Sort-Object) | Should -Be $find
        @($getcap.Keys | Sort-Object) | Should -Be $find
        foreach ($f in $found) { $f.Text | Should -BeExactly $getcap[[Convert]::ToHexString($f.RawPath)] }
    }

    It 'finds each file again from its Path, with -LiteralPath and with -Path' {
        foreach ($f in Get-PerfCapability -Recurse $Tree) {
            $again = Get-PerfCapability -LiteralPath $f.Path
            [Convert]::ToHexString($again.RawPath) | Should -Be ([Convert]::ToHexString($f.RawPath)) -Because $f.DisplayPath
            (Get-PerfCapability -Path $f.Path).Text | Should -BeExactly $f.Text -Because $f.DisplayPath
            Test-PerfCapability -LiteralPath $f.Path -Capability cap_perfmon | Should -BeTrue -Because $f.DisplayPath
        }
    }

    It 'shows bytes that are not UTF-8 as \xNN in DisplayPath' {
        $f = Get-PerfCapability -Recurse $Tree | Where-Object { [Convert]::ToHexString($_.RawPath).EndsWith('626164FFFE6E616D65') }
        $f.DisplayPath | Should -BeExactly "$Tree/bad\xff\xfename"
        "$f" | Should -BeExactly "$Tree/bad\xff\xfename cap_perfmon=ep"
    }

    It 'changes each file through its Path, as getcap -r then shows' {
        Get-PerfCapability -Recurse $Tree | ForEach-Object { Set-PerfCapability -LiteralPath $_.Path -Capability cap_syslog -Flag p }
        $getcap = Get-GetcapTree
        $getcap.Count | Should -Be $Names.Count
        $getcap.Values | Sort-Object -Unique | Should -Be 'cap_syslog=p'
    }

    It 'removes every file piped from Get-PerfCapability -Recurse, as getcap -r then shows' {
        Get-PerfCapability -Recurse $Tree | Remove-PerfCapability
        (Get-GetcapTree).Count | Should -Be 0
    }
}

Describe 'A backslash in a literal path' {
    BeforeAll {
        # '/d/back\slash' (one file) next to '/d/back/slash' (a folder and a file): PowerShell's own resolution
        # turns the backslash into a separator and names the second.
        $script:Dir = Join-Path $Scratch 'bs'
        $null = New-Item -ItemType Directory "$Dir/back"
        & chmod 755 $Dir "$Dir/back"
        # Join-Path would turn the backslash into a slash too, so sh creates the file.
        $script:Backslash = "$Dir/back\slash"
        & sh -c 'printf "\177ELF" > "$1" && chmod 755 "$1"' sh $Backslash
        (& sh -c 'ls "$1"' sh $Dir) | Sort-Object | Should -Be @('back', 'back\slash')
        $script:Nested = New-CapTarget "$Dir/back" 'slash'
        & setcap cap_kill=ep $Backslash
        & setcap cap_chown=ep $Nested
    }

    It 'reads the file whose name holds the backslash, as getcap does: <Form>' -ForEach @(
        @{ Form = 'absolute'; Make = { $Backslash } }
        @{ Form = 'relative'; Make = { 'back\slash' } }
        @{ Form = './'; Make = { './back\slash' } }
        @{ Form = 'provider-qualified'; Make = { "Microsoft.PowerShell.Core\FileSystem::$Backslash" } }
        @{ Form = 'repeated slashes'; Make = { $Backslash -replace '/bs/', '//bs///' } }
    ) {
        Push-Location $Dir
        try { $r = Get-PerfCapability -LiteralPath (& $Make) }
        finally { Pop-Location }
        $r.Path | Should -BeExactly $Backslash
        $r.Text | Should -BeExactly ((& getcap $Backslash) -replace '^.* ', '')
    }

    It 'changes and removes that file, not back/slash' {
        Set-PerfCapability -LiteralPath $Backslash -Capability cap_perfmon
        & getcap $Backslash | Should -BeExactly "$Backslash cap_perfmon=ep"
        & getcap $Nested | Should -BeExactly "$Nested cap_chown=ep"
        Remove-PerfCapability -LiteralPath $Backslash
        & getcap $Backslash | Should -BeNullOrEmpty
        & getcap $Nested | Should -BeExactly "$Nested cap_chown=ep"
    }

    It 'still treats a backslash in -Path as PowerShell does when no file has that exact name' {
        $r = Get-PerfCapability -Path "$Dir/back\slash-none" -ErrorVariable err -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'PerfCapabilityFileNotFound,PerfSecurity.Commands.GetPerfCapabilityCommand'
        (Get-PerfCapability -Path "$Dir\back\slash").Path | Should -BeExactly $Nested
    }
}
