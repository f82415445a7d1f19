BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:Dir = Join-Path ([IO.Path]::GetTempPath()) ("psexpo" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = New-Item -ItemType Directory $Dir
    & chmod 0755 $Dir

    function New-Recording([string] $Name, [string[]] $PerfArgs) {
        $file = Join-Path $Dir $Name
        & /usr/bin/perf record -q @PerfArgs -o $file -- sleep 0.05 2>$null
        if ($LASTEXITCODE -ne 0 -or -not (Test-Path $file)) { throw "perf record $PerfArgs failed ($LASTEXITCODE)" }
        $file
    }
    $script:Plain = New-Recording 'plain.data' @('-e', 'cpu-clock')
    $script:Faults = New-Recording 'faults.data' @('-e', 'page-faults', '-c', '1')
    $script:Dwarf = New-Recording 'dwarf.data' @('-e', 'cpu-clock', '--call-graph', 'dwarf')
    $script:Raw = New-Recording 'raw.data' @('-e', 'cpu-clock', '-R')
    $script:Addr = New-Recording 'addr.data' @('-e', 'page-faults', '-d')
    $script:Pipe = Join-Path $Dir 'pipe.data'
    & /usr/bin/bash -c "/usr/bin/perf record -q -e cpu-clock -o - -- sleep 0.05 > '$Pipe' 2>/dev/null"
    & chmod 0600 (Join-Path $Dir '*.data')
}

AfterAll { Remove-Item -Recurse -Force $Dir -ErrorAction SilentlyContinue }

Describe 'Get-PerfDataExposure' {
    It 'finds the sample fields and categories of <Name>' -ForEach @(
        @{ Name = 'plain.data'; Has = @('IP', 'TID', 'TIME', 'PERIOD'); HasNot = @('CALLCHAIN', 'REGS_USER', 'RAW', 'ADDR'); Categories = @(1, 2, 3, 4); Risk = 'Low' }
        @{ Name = 'faults.data'; Has = @('IP', 'TID', 'TIME'); HasNot = @('PERIOD', 'READ', 'STACK_USER'); Categories = @(1, 2, 4); Risk = 'Low' }
        @{ Name = 'dwarf.data'; Has = @('CALLCHAIN', 'REGS_USER', 'STACK_USER'); HasNot = @('RAW'); Categories = @(1, 2, 3, 4); Risk = 'Medium' }
        @{ Name = 'raw.data'; Has = @('RAW', 'CPU'); HasNot = @('STACK_USER'); Categories = @(1, 2, 3, 4); Risk = 'Medium' }
        @{ Name = 'addr.data'; Has = @('ADDR'); HasNot = @('RAW', 'STACK_USER'); Categories = @(1, 2, 3, 4); Risk = 'Low' }
    ) {
        $e = Get-PerfDataExposure -Path (Join-Path $Dir $Name)
        foreach ($f in $Has) { $e.SampleFields | Should -Contain $f }
        foreach ($f in $HasNot) { $e.SampleFields | Should -Not -Contain $f }
        $e.Categories | Should -Be $Categories
        $e.CategoryEvidence.Count | Should -Be $Categories.Count
        $e.Risk | Should -Be $Risk
        $e.Mode | Should -Be '0600'
        $e.ModeSymbolic | Should -Be '-rw-------'
        $e.ReadableByOthers | Should -BeFalse
        $e.Hostname | Should -Be (hostname)
        $e.OsRelease | Should -Be (uname -r)
        $e.PerfVersion | Should -Be ((/usr/bin/perf --version) -replace '^perf version ', '')
        $e.CmdLine | Should -Match ([regex]::Escape("-o $Dir/$Name"))
        $e.Events | Should -Not -BeNullOrEmpty
    }

    It 'names the events from the EVENT_DESC feature' {
        (Get-PerfDataExposure $Faults).Events | Should -Be @('page-faults')
        (Get-PerfDataExposure $Plain).Events | Should -Be @('cpu-clock')
    }

    It 'explains category 4 with the user stack size of a DWARF call graph' {
        $e = Get-PerfDataExposure $Dwarf
        ($e.CategoryEvidence | Where-Object { $_ -like '4:*' }) | Should -Match 'REGS_USER, STACK_USER; up to 8192 bytes of user stack'
        $e.RiskReason | Should -Match 'REGS_USER, STACK_USER'
    }

    It 'reads a pipe-mode recording up to its first sample' {
        & chmod 0600 $Pipe
        $e = Get-PerfDataExposure $Pipe
        $e.PipeMode | Should -BeTrue
        $e.Events | Should -Be @('cpu-clock')
        $e.Hostname | Should -Be (hostname)
        $e.CategoryEvidence -join "`n" | Should -Match 'MMAP/COMM/FORK/EXIT records before the first sample'
    }

    It 'sees who can read it: 0600 vs 0644' {
        $copy = Join-Path $Dir 'open.data'
        Copy-Item $Plain $copy
        & chmod 0644 $copy
        $private, $open = Get-PerfDataExposure $Plain, $copy
        $private.ReadableByOthers | Should -BeFalse
        $open.ReadableByOthers | Should -BeTrue
        $open.Mode | Should -Be '0644'
        $open.ReadableBy | Should -Match 'every user'
        $private.Risk | Should -Be 'Low'
        $open.Risk | Should -Be 'High'
        $open.RiskReason | Should -Match 'chmod 0600'
        Remove-Item $copy
    }

    It 'counts a group-readable file as readable by others only when the group has other members' -Tag Unprivileged {
        $member = New-TestUser -Prefix psexg
        $group = "psexgrp$(Get-Random -Minimum 1000 -Maximum 9999)"
        try {
            & groupadd $group
            $copy = Join-Path $Dir 'group.data'
            Copy-Item $Plain $copy
            & chgrp $group $copy; & chmod 0640 $copy
            (Get-PerfDataExposure $copy).ReadableByOthers | Should -BeFalse
            & gpasswd -a $member $group *> $null
            $e = Get-PerfDataExposure $copy
            $e.ReadableByOthers | Should -BeTrue
            $e.Group | Should -Be $group
            $e.ReadableBy | Should -Be "group $group ($member)"
        }
        finally {
            Remove-Item (Join-Path $Dir 'group.data') -ErrorAction SilentlyContinue
            Remove-TestUser $member
            & groupdel $group 2>$null
        }
    }

    It 'takes paths from Get-ChildItem and from strings, and -LiteralPath takes brackets literally' {
        $e = Get-ChildItem $Dir -Filter '*.data' | Where-Object Name -In 'plain.data', 'dwarf.data' | Get-PerfDataExposure
        $e.Path | Sort-Object | Should -Be @($Dwarf, $Plain)
        ($Plain, $Raw | Get-PerfDataExposure).Count | Should -Be 2
        $odd = Join-Path $Dir 'odd[1].data'
        Copy-Item -LiteralPath $Plain -Destination $odd
        (Get-PerfDataExposure -LiteralPath $odd).Path | Should -Be $odd
        Remove-Item -LiteralPath $odd
    }

    It 'reports a truncated copy as PerfDataTruncated and goes on with the next file' {
        $cut = Join-Path $Dir 'cut.data'
        $bytes = [IO.File]::ReadAllBytes($Dwarf)
        [IO.File]::WriteAllBytes($cut, $bytes[0..($bytes.Length - 40)])
        $err = $null
        $out = Get-PerfDataExposure $cut, $Plain -ErrorVariable err -ErrorAction SilentlyContinue
        $out.Path | Should -Be $Plain
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'PerfDataTruncated,PerfSecurity.Commands.GetPerfDataExposureCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[0].TargetObject | Should -Be $cut
        $err[0].Exception.Message | Should -Match 'truncated: .*feature section'
        Remove-Item $cut
    }

    It 'gives <Id> for <What>' -ForEach @(
        @{ What = 'a text file'; Id = 'PerfDataNotPerfFile'; Category = 'InvalidData'; Make = { param($p) Set-Content $p 'hello' } }
        @{ What = 'a directory without -Recurse'; Id = 'PerfDataPathIsDirectory'; Category = 'InvalidArgument'; Make = { param($p) $null = New-Item -ItemType Directory $p } }
        @{ What = 'a FIFO (without blocking)'; Id = 'PerfDataNotRegularFile'; Category = 'InvalidArgument'; Make = { param($p) & mkfifo $p } }
        @{ What = 'a missing file'; Id = 'PerfDataFileNotFound'; Category = 'ObjectNotFound'; Make = { param($p) } }
    ) {
        $p = Join-Path $Dir "case-$(Get-Random)"
        & $Make $p
        $err = $null
        Get-PerfDataExposure -LiteralPath $p -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be "$Id,PerfSecurity.Commands.GetPerfDataExposureCommand"
        $err[0].CategoryInfo.Category | Should -Be $Category
        Remove-Item -Recurse -Force $p -ErrorAction SilentlyContinue
    }

    It 'refuses what perf refuses: <What>' -ForEach @(
        @{ What = 'attr.size 0xffffffff'; Id = 'PerfDataInvalid'; Perf = 'incompatible file format'
            Make = { param($p)
                $b = [IO.File]::ReadAllBytes($Plain)
                $attrs = [BitConverter]::ToUInt64($b, 24)
                [BitConverter]::GetBytes([uint32]::MaxValue).CopyTo($b, [int]$attrs + 4)
                [IO.File]::WriteAllBytes($p, $b) } }
        @{ What = 'a 16-byte pipe header'; Id = 'PerfDataNotPerfFile'; Perf = 'has no samples'
            Make = { param($p) [IO.File]::WriteAllBytes($p, [IO.File]::ReadAllBytes($Pipe)[0..15]) } }
        @{ What = 'an empty file'; Id = 'PerfDataNotPerfFile'; Perf = 'zero-sized data'; Make = { param($p) [IO.File]::WriteAllBytes($p, [byte[]]@()) } }
        @{ What = '/proc/self/status'; Id = 'PerfDataNotPerfFile'; Perf = 'zero-sized data'; Path = '/proc/self/status' }
    ) {
        $p = if ($Path) { $Path } else { Join-Path $Dir "refused-$(Get-Random).data" }
        if ($Make) { & $Make $p }
        try {
            # perf's own verdict on the same file, captured here.
            (& /usr/bin/perf report -i $p --stdio 2>&1 | Out-String) | Should -Match $Perf
            $err = $null
            Get-PerfDataExposure -LiteralPath $p -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be "$Id,PerfSecurity.Commands.GetPerfDataExposureCommand"
            $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        }
        finally { if (-not $Path) { Remove-Item $p -ErrorAction SilentlyContinue } }
    }

    It 'mode 0604: the kernel denies members of the file''s group, and ReadableBy says so' -Tag Security, Unprivileged {
        $member = New-TestUser -Prefix psexm
        $outsider = New-TestUser -Prefix psexo
        $group = "psexgrp$(Get-Random -Minimum 1000 -Maximum 9999)"
        $copy = Join-Path $Dir "g0604-$(Get-Random).data"
        try {
            & groupadd $group
            & gpasswd -a $member $group *> $null
            Copy-Item $Plain $copy
            & chgrp $group $copy; & chmod 0604 $copy
            $before = (Get-FileHash $copy).Hash
            # What the kernel lets each of them do, tried as them.
            & setpriv --reuid $member --regid $member --init-groups cat $copy *> $null
            $memberCan = $LASTEXITCODE -eq 0
            & setpriv --reuid $outsider --regid $outsider --init-groups cat $copy *> $null
            $outsiderCan = $LASTEXITCODE -eq 0
            $memberCan | Should -BeFalse -Because 'the group bits (---) apply to group members'
            $outsiderCan | Should -BeTrue -Because 'the other bits (r--) apply to everyone else'
            $e = Get-PerfDataExposure $copy
            $e.ReadableByOthers | Should -BeTrue
            $e.ReadableBy | Should -Be "every user except the members of group $group ($member), to whom the group bits apply and deny reading"
            $e.Risk | Should -Be 'High'
            (Get-FileHash $copy).Hash | Should -Be $before
        }
        finally {
            Remove-Item $copy -ErrorAction SilentlyContinue
            Remove-TestUser $member
            Remove-TestUser $outsider
            & groupdel $group 2>$null
        }
    }

    It 'a POSIX ACL entry for one user: the kernel lets that user read, and ReadableBy names them' -Tag Security, Unprivileged {
        $reader = New-TestUser -Prefix psexa
        $outsider = New-TestUser -Prefix psexn
        $copy = Join-Path $Dir "acl-$(Get-Random).data"
        try {
            Copy-Item $Plain $copy
            & chmod 0640 $copy
            & setfacl -m "u:${reader}:r" $copy
            $LASTEXITCODE | Should -Be 0
            & setpriv --reuid $reader --regid $reader --init-groups cat $copy *> $null
            $LASTEXITCODE | Should -Be 0 -Because 'the named entry grants read'
            & setpriv --reuid $outsider --regid $outsider --init-groups cat $copy *> $null
            $LASTEXITCODE | Should -Not -Be 0
            $e = Get-PerfDataExposure $copy
            $e.ReadableByOthers | Should -BeTrue
            $e.ReadableBy | Should -Be "$reader (POSIX ACL)"
            $e.Risk | Should -Be 'High'
        }
        finally {
            Remove-Item $copy -ErrorAction SilentlyContinue
            Remove-TestUser $reader
            Remove-TestUser $outsider
        }
    }

    It 'scans a tree with -Recurse, skipping files that are not perf data' {
        $tree = Join-Path $Dir 'tree'
        $null = New-Item -ItemType Directory "$tree/a/b"
        Copy-Item $Plain "$tree/a/one.data"
        Copy-Item $Raw "$tree/a/b/perf.data.old"
        Set-Content "$tree/a/b/notes.txt" 'not perf'
        & mkfifo "$tree/a/fifo"
        $found = Get-PerfDataExposure -Path $tree -Recurse
        $found.Path | Sort-Object | Should -Be @("$tree/a/b/perf.data.old", "$tree/a/one.data")
        Remove-Item -Recurse -Force $tree
    }

    It 'as an unprivileged user: PermissionDenied on a root-owned 0600 file, a result on a readable one' -Tag Unprivileged {
        $user = New-TestUser -Prefix psexu
        $open = Join-Path $Dir 'shared.data'
        try {
            Copy-Item $Plain $open
            & chmod 0644 $open
            $denied = Invoke-AsUser -User $user -ScriptBlock { param($p) Get-PerfDataExposure -Path $p } -ArgumentList $Plain
            $denied.ErrorId | Should -Be 'PerfDataOpenFailed,PerfSecurity.Commands.GetPerfDataExposureCommand'
            $denied.Category | Should -Be 'PermissionDenied'
            $denied.Message | Should -Match 'Permission denied'
            $ok = Invoke-AsUser -User $user -ScriptBlock { param($p) Get-PerfDataExposure -Path $p | Select-Object Risk, ReadableByOthers, Owner } -ArgumentList $open
            $ok.ErrorId | Should -BeNullOrEmpty
            $ok.Output.Risk | Should -Be 'High'  # enums travel by name across processes
            $ok.Output.ReadableByOthers | Should -BeTrue
            $ok.Output.Owner | Should -Be 'root'
        }
        finally {
            Remove-Item $open -ErrorAction SilentlyContinue
            Remove-TestUser $user
        }
    }

    It 'has a default table view' {
        Get-PerfDataExposure $Plain | Out-String -Width 250 | Should -Match 'Risk\s+Mode\s+Owner\s+ReadableByOthers\s+Categories\s+Events\s+Path'
    }
}
