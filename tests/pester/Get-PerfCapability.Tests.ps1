BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/capabilities.ps1"
    $script:Scratch = New-CapScratch
}

AfterAll {
    Remove-Item -Recurse -Force $Scratch -ErrorAction SilentlyContinue
}

Describe 'Get-PerfCapability' {
    Context 'agreement with libcap' {
        It 'reads what setcap wrote, for 200 random sets, with the same text as getcap' {
            $rng = [System.Random]::new(20261129)
            $dir = Join-Path $Scratch 'from-setcap'
            $null = New-Item -ItemType Directory $dir
            $specs = foreach ($k in 1..200) {
                $spec = New-RandomCapSpec $rng
                $spec | Add-Member Path (New-CapTarget $dir "f$k")
                $spec
            }
            # One setcap call for all files: "caps file caps file ...".
            $argv = foreach ($s in $specs) { $s.Text; $s.Path }
            & setcap @argv
            $LASTEXITCODE | Should -Be 0
            $getcap = Get-Getcap $specs.Path
            $ours = @{}
            Get-PerfCapability -LiteralPath $specs.Path | ForEach-Object { $ours[$_.Path] = $_ }
            $ours.Count | Should -Be 200
            foreach ($s in $specs) {
                $c = $ours[$s.Path]
                $c.Text | Should -BeExactly $getcap[$s.Path] -Because "$($s.Path) was set with '$($s.Text)'"
                $c.PermittedMask | Should -Be $s.Permitted
                $c.InheritableMask | Should -Be $s.Inheritable
                $c.Effective | Should -Be $s.Effective
                $c.Revision | Should -Be 2
                $c.RootId | Should -BeNullOrEmpty
            }
        }

        It 'reads revision 3 written by setcap -n with its root id' {
            $rng = [System.Random]::new(7)
            $dir = Join-Path $Scratch 'rev3'
            $null = New-Item -ItemType Directory $dir
            $specs = foreach ($k in 1..20) {
                $spec = New-RandomCapSpec $rng
                $spec | Add-Member Path (New-CapTarget $dir "f$k")
                $spec | Add-Member RootId ([uint32]$rng.Next(1, 2000000))
                & setcap -n $spec.RootId $spec.Text $spec.Path
                $LASTEXITCODE | Should -Be 0
                $spec
            }
            $plain = Get-Getcap $specs.Path
            $withRoot = Get-Getcap $specs.Path -RootId
            foreach ($s in $specs) {
                $c = Get-PerfCapability -LiteralPath $s.Path
                $c.Revision | Should -Be 3
                $c.RootId | Should -Be $s.RootId
                $c.Text | Should -BeExactly $plain[$s.Path]
                "$($c.Text) [rootid=$($c.RootId)]" | Should -BeExactly $withRoot[$s.Path]
                $c.PermittedMask | Should -Be $s.Permitted
            }
        }

        It 'prints "=" for an empty xattr and nothing for a file without one, like getcap' {
            $empty = New-CapTarget $Scratch 'empty'
            $none = New-CapTarget $Scratch 'none'
            & setcap '=' $empty
            (Get-PerfCapability -LiteralPath $empty).Text | Should -BeExactly '='
            (Get-Getcap $empty)[$empty] | Should -BeExactly '='
            Get-PerfCapability -LiteralPath $none | Should -BeNullOrEmpty
            & getcap $none | Should -BeNullOrEmpty
        }
    }

    Context 'paths and pipeline' {
        BeforeAll {
            $script:Tree = Join-Path $Scratch 'tree'
            $null = New-Item -ItemType Directory "$Tree/a/b", "$Tree/c", "$Tree/[odd]"
            $script:F1 = New-CapTarget "$Tree/a/b" 'one'
            $script:F2 = New-CapTarget "$Tree/c" 'two'
            $script:F3 = New-CapTarget "$Tree/[odd]" 'three'
            $script:Plain = New-CapTarget $Tree 'plain'
            & setcap cap_perfmon=ep $F1 cap_syslog+p $F2 cap_chown=i $F3
            $script:Outside = New-CapTarget $Scratch 'outside'
            & setcap cap_kill=p $Outside
            $null = New-Item -ItemType SymbolicLink -Path "$Tree/link-to-file" -Target $Outside
            $null = New-Item -ItemType SymbolicLink -Path "$Tree/link-to-dir" -Target $Scratch
        }

        It '-Recurse finds every file with capabilities, like getcap -r, without following symlinks' {
            $found = Get-PerfCapability -Path $Tree -Recurse
            $found.Path | Sort-Object | Should -Be (@($F1, $F2, $F3) | Sort-Object)
            $expected = & getcap -r $Tree | ForEach-Object { $_ } | Sort-Object
            $found | ForEach-Object { "$($_.Path) $($_.Text)" } | Sort-Object | Should -Be $expected
        }

        It '-Recurse warns about folders it cannot read and goes on' -Tag Unprivileged {
            $locked = Join-Path $Tree 'locked'
            $null = New-Item -ItemType Directory $locked
            $user = New-TestUser 'pscapr'
            try {
                & chmod 700 $locked
                & chmod -R a+rX $Tree
                & chmod 700 $locked
                $r = Invoke-AsUser $user { param($t) Get-PerfCapability -Path $t -Recurse -WarningVariable w -WarningAction SilentlyContinue | ForEach-Object Path; "warn:$w" } -ArgumentList $Tree
                $r.ErrorId | Should -BeNullOrEmpty
                $r.Output | Should -Contain $F1
                ($r.Output | Where-Object { $_ -like 'warn:*' }) | Should -Match 'locked'
            }
            finally { Remove-TestUser $user; Remove-Item $locked -Force }
        }

        It 'follows a symlink given by name, as getcap does' {
            (Get-PerfCapability -Path "$Tree/link-to-file").Text | Should -BeExactly 'cap_kill=p'
        }

        It 'takes -LiteralPath with wildcard characters and files from Get-ChildItem by property name' {
            (Get-PerfCapability -LiteralPath $F3).Text | Should -BeExactly 'cap_chown=i'
            $viaPipe = Get-ChildItem -LiteralPath "$Tree/[odd]", "$Tree/c" -File | Get-PerfCapability
            $viaPipe.Path | Sort-Object | Should -Be (@($F2, $F3) | Sort-Object)
        }

        It 'expands wildcards in -Path and takes strings from the pipeline' {
            (Get-PerfCapability -Path "$Tree/c/t*").Path | Should -Be $F2
            ("$Tree/a/b/one", $Plain | Get-PerfCapability).Path | Should -Be $F1
        }

        It 'returns typed objects with string arrays' {
            $c = Get-PerfCapability -LiteralPath $F1
            $c.GetType().FullName | Should -Be 'PerfSecurity.FileCapability'
            $c.Permitted | Should -Be @('cap_perfmon')
            ,$c.Inheritable | Should -BeOfType [string[]]
            $c.Effective | Should -BeTrue
            (Get-PerfCapability -LiteralPath $F2).Effective | Should -BeFalse
        }

        It 'reports a missing file as ObjectNotFound and goes on' {
            $out = Get-PerfCapability -Path "$Tree/nope", $F1 -ErrorVariable err -ErrorAction SilentlyContinue
            $out.Path | Should -Be $F1
            $err.Count | Should -Be 1
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'stops a long scan promptly on Ctrl+C (StopProcessing)' {
            $ps = [powershell]::Create()
            # Scans of / one after another, so that the stop lands in a scan however fast this machine scans its /.
            $null = $ps.AddScript("Import-Module '$ModuleDir'; while (`$true) { Get-PerfCapability -Path / -Recurse -WarningAction SilentlyContinue -ErrorAction SilentlyContinue | Out-Null }")
            $handle = $ps.BeginInvoke()
            Start-Sleep -Milliseconds 1500
            $ps.InvocationStateInfo.State | Should -Be 'Running'
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $sw.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $sw.Elapsed.TotalSeconds | Should -BeLessThan 2
            $ps.Dispose()
        }
    }

    Context 'parallel scan (-ThrottleLimit)' {
        BeforeAll {
            # 28 folders in three levels with 25 files each; every seventh file capable, a capable file in each
            # folder named 0cap (first by name), links to a capable file and to a folder outside, an empty folder.
            $script:Wide = Join-Path $Scratch 'wide'
            $script:WideCapable = [Collections.Generic.List[string]]::new()
            $pairs = [Collections.Generic.List[string]]::new()
            $k = 0
            foreach ($top in 'a', 'b', 'c', 'd') {
                foreach ($mid in 'm1', 'm2', 'm3') {
                    foreach ($dir in "$Wide/$top", "$Wide/$top/$mid", "$Wide/$top/$mid/leaf") {
                        if (Test-Path $dir) { continue }
                        $null = New-Item -ItemType Directory $dir
                        $first = New-CapTarget $dir '0cap'
                        $pairs.Add('cap_perfmon=ep'); $pairs.Add($first); $WideCapable.Add($first)
                        foreach ($i in 1..24) {
                            $f = New-CapTarget $dir "f$i"
                            if (($k++ % 7) -eq 0) { $pairs.Add('cap_syslog,cap_ipc_lock+p'); $pairs.Add($f); $WideCapable.Add($f) }
                        }
                    }
                }
            }
            & setcap @pairs
            if ($LASTEXITCODE) { throw 'setcap failed' }
            $null = New-Item -ItemType Directory "$Wide/empty"
            $script:WideOutside = New-CapTarget $Scratch 'wide-outside'
            & setcap cap_kill=p $WideOutside
            $null = New-Item -ItemType SymbolicLink -Path "$Wide/b/link-to-file" -Target $WideOutside
            $null = New-Item -ItemType SymbolicLink -Path "$Wide/c/m2/link-to-dir" -Target "$Scratch"
            $script:WideGetcap = @(& getcap -r $Wide | ForEach-Object { "$_" } | Sort-Object)

            function script:Get-ScanWorkerThread {
                # Threads of this process named by the scanner (a Linux thread name holds 15 characters).
                @(Get-ChildItem /proc/self/task | Where-Object { (Get-Content "$($_.FullName)/comm" -ErrorAction SilentlyContinue) -like 'PerfSecurity ca*' })
            }
            function script:Wait-ScanWorkersGone {
                # A joined thread has finished its work; the kernel drops its task entry a moment later, so look for
                # up to two seconds (a worker still scanning would stay far longer).
                $deadline = [DateTime]::UtcNow.AddSeconds(2)
                while (($left = (Get-ScanWorkerThread).Count) -gt 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
                $left
            }
        }

        It 'finds the set getcap -r finds with <Workers> worker(s), without following symlinks' -TestCases @(
            @{ Workers = 1 }, @{ Workers = 2 }, @{ Workers = 8 }
        ) {
            $WideGetcap.Count | Should -Be $WideCapable.Count -Because 'getcap -r lists every capable file and follows no link'
            $found = @(Get-PerfCapability -Path $Wide -Recurse -ThrottleLimit $Workers)
            $found | ForEach-Object { "$($_.Path) $($_.Text)" } | Sort-Object | Should -Be $WideGetcap
            $found.Path | Should -Not -Contain $WideOutside
        }

        It 'with one worker writes results in the order of the tree: folders by name, depth first' {
            # Pre-order with 0cap first in each folder is the ordinal order of the paths of the 0cap files.
            $firsts = @(Get-PerfCapability -Path $Wide -Recurse -ThrottleLimit 1 | Where-Object Path -Like '*/0cap').Path
            $firsts.Count | Should -Be 28
            $sorted = [string[]]$firsts.Clone(); [Array]::Sort($sorted, [StringComparer]::Ordinal)
            $firsts | Should -Be $sorted
        }

        It 'stops its workers when the pipeline stops early (Select-Object -First 1)' {
            Wait-ScanWorkersGone | Should -Be 0
            $one = @(Get-PerfCapability -Path /usr, $Wide -Recurse -ThrottleLimit 4 -WarningAction SilentlyContinue | Select-Object -First 1)
            $one.Count | Should -Be 1
            Wait-ScanWorkersGone | Should -Be 0 -Because 'every worker ends with the command'
        }

        It 'stops a parallel scan promptly on Ctrl+C and leaves no worker running' {
            $ps = [powershell]::Create()
            # Scans of / one after another, so that the stop lands in a scan however fast this machine scans its /.
            $null = $ps.AddScript("Import-Module '$ModuleDir'; while (`$true) { Get-PerfCapability -Path / -Recurse -ThrottleLimit 4 -WarningAction SilentlyContinue -ErrorAction SilentlyContinue | Out-Null }")
            $handle = $ps.BeginInvoke()
            Start-Sleep -Milliseconds 1000
            $ps.InvocationStateInfo.State | Should -Be 'Running'
            # Between two scans there is a moment without workers: look until they are seen.
            $deadline = [DateTime]::UtcNow.AddSeconds(5)
            while (($seen = (Get-ScanWorkerThread).Count) -ne 3 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 10 }
            $seen | Should -Be 3 -Because 'the calling thread is the fourth worker'
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $sw.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $sw.Elapsed.TotalSeconds | Should -BeLessThan 2
            Wait-ScanWorkersGone | Should -Be 0
            $ps.Dispose()
        }

        It 'refuses a -ThrottleLimit outside 1 to 64' {
            { Get-PerfCapability -Path $Wide -Recurse -ThrottleLimit 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        }
    }

    Context 'without -Path: the perf on PATH' {
        It 'reads the perf that PATH finds' {
            $perf = (Get-Command perf -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1).Source
            if (-not $perf) { Set-ItResult -Skipped -Because 'perf is not installed'; return }
            $expected = (Get-Getcap $perf)[$perf]
            $got = Get-PerfCapability -Verbose 4>&1
            ($got | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Match ([regex]::Escape($perf))
            ($got | Where-Object { $_ -is [PerfSecurity.FileCapability] }).Text | Should -Be $expected
        }

        It 'says when perf is a wrapper script and reads the binary it runs' {
            $bin = Join-Path $Scratch 'wrapbin'
            $null = New-Item -ItemType Directory $bin
            $real = New-CapTarget $Scratch 'perf-real'
            & setcap 'cap_perfmon,cap_syslog=ep' $real
            Set-Content -LiteralPath "$bin/perf" -Value "#!/bin/sh`n# picks the perf of the running kernel`nexec $real `"`$@`""
            & chmod 755 "$bin/perf"
            $savedPath = $env:PATH
            try {
                $env:PATH = "${bin}:$savedPath"
                $out = Get-PerfCapability -WarningVariable w -WarningAction SilentlyContinue
            }
            finally { $env:PATH = $savedPath }
            "$w" | Should -Match 'wrapper script'
            "$w" | Should -Match ([regex]::Escape($real))
            $out.Path | Should -Be $real
            $out.Text | Should -BeExactly 'cap_syslog,cap_perfmon=ep'
        }
    }
}
