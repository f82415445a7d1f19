# Killing the module at random points while it rewrites a file must never leave a partial file in place.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:Saved = Save-ParanoidState
    $script:OriginalLevel = $Saved.Level
}

AfterAll { Restore-ParanoidState $Saved }

Describe 'Crash safety of the sysctl drop-in' -Tag Kernel, Slow {
    It 'is always whole after a kill -9 during Set-PerfParanoid -Persist (12 kills)' {
        $started = Join-Path ([IO.Path]::GetTempPath()) ("pscrash" + [guid]::NewGuid().ToString('N'))
        $loop = "Import-Module '$ModuleDir'; Set-PerfParanoid -Level 2 -Persist; New-Item '$started' | Out-Null; while (`$true) { Set-PerfParanoid -Level 1 -Persist; Set-PerfParanoid -Level 2 -Persist }"
        $seen = @{}
        for ($i = 0; $i -lt 12; $i++) {
            $p = Start-Process dotnet -ArgumentList @("$PSHOME/pwsh.dll", '-NoProfile', '-NonInteractive', '-Command', $loop) -PassThru
            # Kill at a random moment once the writer loop runs (pwsh start-up time varies with load).
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (-not (Test-Path $started) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            Remove-Item $started -ErrorAction SilentlyContinue
            Start-Sleep -Milliseconds (Get-Random -Minimum 0 -Maximum 400)
            & kill -9 $p.Id
            $p.WaitForExit()
            if (Test-Path $DropIn) {
                $text = Get-Content -Raw $DropIn
                $text | Should -Match '\A# Written by the PerfSecurity PowerShell module'
                $assignments = @($text -split "`n" | Where-Object { $_ -match '^kernel\.perf_event_paranoid = ' })
                $assignments | Should -HaveCount 1
                $assignments[0] | Should -BeIn @('kernel.perf_event_paranoid = 1', 'kernel.perf_event_paranoid = 2')
                $text | Should -Match "\n\z"
                $seen[$assignments[0]] = $true
            }
        }
        $seen.Count | Should -BeGreaterThan 0 -Because 'the writer must have run before being killed'
        # Leftover temporaries of killed writers are removed by the next write (two levels: one surely writes).
        Set-PerfParanoid -Level 1 -Persist
        Set-PerfParanoid -Level 2 -Persist
        Get-ChildItem /etc/sysctl.d -Force -Filter '.99-zz-perfsecurity.conf.*.tmp' | Should -BeNullOrEmpty
    }
}

Describe 'Crash safety of the capability shell' -Tag Slow {
    BeforeAll {
        # A scratch directory for both files: a kill must not be able to leave a rule in the real /etc/sudoers.d.
        # Root's alone up to /: the script may not live where others could replace it.
        $script:ShellDir = New-RootOnlyDirectory 'pscrash-shell'
        $script:Script = "$ShellDir/perf-shell"
        $script:Rule = "$ShellDir/rule"
        # The two versions the writer alternates between; each differs in both files.
        $script:VersionA = "New-PerfCapabilityShell -Path '$Script' -SudoersPath '$Rule' -Group nogroup -Capability cap_perfmon"
        $script:VersionB = "New-PerfCapabilityShell -Path '$Script' -SudoersPath '$Rule' -Group nogroup -Capability cap_perfmon,cap_syslog -NoPassword"
        $script:Whole = @{ Script = @(); Rule = @() }
        foreach ($v in $VersionA, $VersionB) {
            $null = Invoke-Expression "$v -WarningAction SilentlyContinue"
            $Whole.Script += [IO.File]::ReadAllText($Script)
            $Whole.Rule += [IO.File]::ReadAllText($Rule)
        }
        $Whole.Script[0] | Should -Not -Be $Whole.Script[1]
        $Whole.Rule[0] | Should -Not -Be $Whole.Rule[1]
    }

    AfterAll { Remove-Item -Recurse -Force $ShellDir -ErrorAction SilentlyContinue }

    It 'leaves the script and the sudoers rule whole after a kill -9 during New-PerfCapabilityShell (10 kills)' {
        $started = Join-Path ([IO.Path]::GetTempPath()) ("pscrash" + [guid]::NewGuid().ToString('N'))
        $loop = "Import-Module '$ModuleDir'; `$WarningPreference = 'SilentlyContinue'; New-Item '$started' | Out-Null; while (`$true) { $VersionA; $VersionB }"
        $seen = @{}
        for ($i = 0; $i -lt 10; $i++) {
            $p = Start-Process dotnet -ArgumentList @("$PSHOME/pwsh.dll", '-NoProfile', '-NonInteractive', '-Command', $loop) -PassThru
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (-not (Test-Path $started) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            Remove-Item $started -ErrorAction SilentlyContinue
            Start-Sleep -Milliseconds (Get-Random -Minimum 0 -Maximum 600)
            & kill -9 $p.Id
            $p.WaitForExit()
            # Each file is one of the two whole versions, with its mode: never empty, cut short or mixed.
            $s = [IO.File]::ReadAllText($Script)
            $r = [IO.File]::ReadAllText($Rule)
            $s | Should -BeIn $Whole.Script
            $r | Should -BeIn $Whole.Rule
            (& stat -c '%U:%G %a' $Script) | Should -Be 'root:root 755'
            (& stat -c '%U:%G %a' $Rule) | Should -Be 'root:root 440'
            & visudo -cf $Rule *> $null
            $LASTEXITCODE | Should -Be 0
            $seen["$([array]::IndexOf($Whole.Script, $s))$([array]::IndexOf($Whole.Rule, $r))"] = $true
        }
        Write-Host "capability shell kills: 10, states seen: $($seen.Keys -join ' ')"
        # The next write removes what killed writers left behind (both versions: one surely writes).
        Invoke-Expression "$VersionB -WarningAction SilentlyContinue" | Out-Null
        Invoke-Expression "$VersionA -WarningAction SilentlyContinue" | Out-Null
        Get-ChildItem $ShellDir -Force -Filter '.*.tmp' | Should -BeNullOrEmpty
    }
}
