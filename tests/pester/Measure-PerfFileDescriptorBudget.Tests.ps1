BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:User = New-TestUser -Prefix 'psfd'
    $script:LimitsFile = "/etc/security/limits.d/zz-$User.conf"
    $null = New-Item -ItemType Directory -Force /etc/security/limits.d
    Set-Content $LimitsFile "$User  soft  nofile  256`n$User  hard  nofile  4096"
}

AfterAll {
    Remove-Item $LimitsFile -ErrorAction SilentlyContinue
    Remove-TestUser $User
}

Describe 'Measure-PerfFileDescriptorBudget' {
    It 'needs events × online CPUs system-wide and counts the descriptors already open' {
        $b = Measure-PerfFileDescriptorBudget -EventCount 10 -Opener Process
        $b.Required | Should -Be (10 * [Environment]::ProcessorCount)
        $b.CpuCount | Should -Be ([Environment]::ProcessorCount)
        $open = @(Get-ChildItem "/proc/$PID/fd").Count
        $b.InUse | Should -BeGreaterOrEqual ($open - 5)
        $b.InUse | Should -BeLessOrEqual ($open + 5)
        $b.SoftLimit | Should -Be ([long](((Get-Content "/proc/$PID/limits") -match '^Max open files' -split '\s+')[3]))
    }

    It 'needs events × threads per-thread, and events × CPUs × threads with both' {
        (Measure-PerfFileDescriptorBudget -EventCount 4 -ThreadCount 50).Required | Should -Be 200
        (Measure-PerfFileDescriptorBudget -EventCount 4 -ThreadCount 50 -CpuCount 8).Required | Should -Be 1600
    }

    It 'reads a user''s soft and hard limits from limits.d and gives the fix when they fall short' {
        $b = Measure-PerfFileDescriptorBudget -UserName $User -EventCount 40 -CpuCount 8
        $b.SoftLimit | Should -Be 256
        $b.HardLimit | Should -Be 4096
        $b.LimitSource | Should -Be "${LimitsFile}:1"
        $b.Required | Should -Be 320
        $b.InUse | Should -Be 4 # a login shell's standard input, output and error, and perf's pipe for the command
        $b.Sufficient | Should -BeFalse
        $b.SufficientAfterRaise | Should -BeTrue
        $b.UlimitCommand | Should -Be "ulimit -n $($b.RecommendedLimit)"
        $b.LimitsConfLine | Should -Match "^@perf_users\s+soft\s+nofile\s+$($b.RecommendedLimit)$"
        (Measure-PerfFileDescriptorBudget -UserName $User -EventCount 1 -CpuCount 1).Sufficient | Should -BeTrue
    }

    It 'says the hard limit must rise when even it is too low' {
        $b = Measure-PerfFileDescriptorBudget -UserName $User -EventCount 1000 -CpuCount 8
        $b.SufficientAfterRaise | Should -BeFalse
        $b.LimitsConfLine | Should -Match '^@perf_users\s+-\s+nofile'
    }

    It 'agrees with the kernel as an unprivileged user: the events open at RecommendedLimit and fail with EMFILE one below' -Tag Kernel, Unprivileged {
        # In the user's own pwsh: open the events once (so lazily opened files are open), measure, then
        # lower the process's own soft limit with prlimit and try again.
        $probe = {
            $events = 'task-clock', 'cpu-clock', 'page-faults', 'context-switches', 'cpu-migrations', 'minor-faults', 'major-faults', 'alignment-faults'
            Start-PerfCounterSession -SystemWide -Event $events | Stop-PerfCounterSession | Out-Null
            $b = Measure-PerfFileDescriptorBudget -EventCount $events.Count -ProcessId $PID -Opener Process
            "required=$($b.Required) recommended=$($b.RecommendedLimit)"
            foreach ($limit in $b.RecommendedLimit, ($b.RecommendedLimit - 1)) {
                & prlimit --pid $PID --nofile="${limit}:"
                try { Start-PerfCounterSession -SystemWide -Event $events -ErrorAction Stop | Stop-PerfCounterSession | Out-Null; "$limit ok" }
                catch { "$limit $($_.FullyQualifiedErrorId.Split(',')[0])" }
                & prlimit --pid $PID --nofile="$($b.SoftLimit):"
            }
        }
        $r = Use-ParanoidLevel 0 { Invoke-AsUser $User $probe }
        $r.ErrorId | Should -BeNullOrEmpty -Because $r.Message
        $lines = @($r.Output)
        $lines[0] -match "^required=$(8 * [Environment]::ProcessorCount) recommended=(\d+)$" | Should -BeTrue -Because $lines[0]
        $recommended = [int]$Matches[1]
        $lines[1] | Should -Be "$recommended ok"
        $lines[2] | Should -Be "$($recommended - 1) PerfCounterTooManyFiles"
    }

    Context 'perf''s own descriptors, proved by perf stat at the boundary' -Tag Kernel {
        # A shell with `ulimit -n 64` (soft = hard, and CAP_SYS_RESOURCE dropped: perf cannot raise it) waits; the
        # budget of that shell says how many events fit; perf stat -a then opens that many and fails with one more.
        BeforeAll {
            $script:Perf = (Get-Command perf -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1).Source
            function Invoke-PerfAtBoundary([string] $Prelude, [bool] $Command) {
                $err = [IO.Path]::GetTempFileName()
                $run = if ($Command) { "$Perf stat -a -e `$ev -- true" } else { "timeout -s INT 1 $Perf stat -a -e `$ev" }
                $script = "ulimit -n 64; $Prelude while read n; do ev=`$(yes cpu-clock | head -n `$n | paste -sd, -); $run >/dev/null 2>$err; " +
                    "if grep -q 'ulimit -n' $err; then echo EMFILE; else echo ok; fi; done"
                $psi = [Diagnostics.ProcessStartInfo]::new('capsh')
                foreach ($a in '--drop=cap_sys_resource', '--', '-c', $script) { $psi.ArgumentList.Add($a) }
                $psi.RedirectStandardInput = $true; $psi.RedirectStandardOutput = $true; $psi.UseShellExecute = $false
                $shell = [Diagnostics.Process]::Start($psi)
                try {
                    # Wait until the shell has run its prelude and sits in `read`.
                    $deadline = [DateTime]::UtcNow.AddSeconds(10)
                    while ((Get-Content "/proc/$($shell.Id)/wchan" -ErrorAction SilentlyContinue) -notmatch 'pipe|wait' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
                    Start-Sleep -Milliseconds 200
                    $b = if ($Command) { Measure-PerfFileDescriptorBudget -ProcessId $shell.Id -EventCount 1 } else { Measure-PerfFileDescriptorBudget -ProcessId $shell.Id -EventCount 1 -NoCommand }
                    # What the shell holds (all inheritable: a shell opens nothing with close-on-exec here) below the limit.
                    $held = @(Get-ChildItem "/proc/$($shell.Id)/fd" | Where-Object { [int]$_.Name -lt 64 }).Count
                    $results = foreach ($n in $b.MaxEventCount, ($b.MaxEventCount + 1)) { $shell.StandardInput.WriteLine($n); $shell.StandardOutput.ReadLine() }
                    [pscustomobject]@{ Budget = $b; Held = $held; AtMax = $results[0]; OneMore = $results[1] }
                }
                finally { $shell.StandardInput.Close(); $shell.WaitForExit(10000) | Out-Null; if (-not $shell.HasExited) { $shell.Kill() }; Remove-Item $err -ErrorAction SilentlyContinue }
            }
        }

        It 'perf stat -a <Name>' -ForEach @(
            @{ Name = 'with a command'; Prelude = ''; Command = $true; Own = 1 }
            @{ Name = 'with a command and one more inherited descriptor'; Prelude = 'exec 7</dev/null;'; Command = $true; Own = 1 }
            @{ Name = 'without a command, until interrupted'; Prelude = ''; Command = $false; Own = 0 }
        ) {
            if (-not $Perf -or -not (Get-Command capsh -ErrorAction SilentlyContinue)) { Set-ItResult -Skipped -Because 'perf and capsh are needed'; return }
            $r = Invoke-PerfAtBoundary -Prelude $Prelude -Command $Command
            $r.Budget.OwnDescriptors | Should -Be $Own
            $r.Budget.MaxEventCount | Should -Be ([math]::Floor((64 - $r.Held - $Own) / [Environment]::ProcessorCount))
            $r.AtMax | Should -Be 'ok' -Because "$($r.Budget.MaxEventCount) events should open: $($r.Budget.Explanation)"
            $r.OneMore | Should -Be 'EMFILE' -Because "$($r.Budget.MaxEventCount + 1) events should not"
        }
    }

    It 'rejects an unknown process with ObjectNotFound' {
        $err = $null
        Measure-PerfFileDescriptorBudget -EventCount 1 -ProcessId 999999999 -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'has a default view' {
        Measure-PerfFileDescriptorBudget -EventCount 3 | Out-String | Should -Match 'Required\s+InUse\s+SoftLimit'
    }
}
