# Recommendations and remediations are command lines meant to be pasted or run. Paths in them come from audit
# records (the hex-decoded exe of a process any user can start), from file names and directory names users choose.
# Each must parse as the intended command with the path as one argument, and running it must do nothing else.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/hostile.ps1"
    $script:Attacker = New-TestUser 'psra'
    $script:Sandbox = New-TestUser 'psrs'
    $script:Tag = Get-Random -Minimum 10000 -Maximum 99999
    $script:Pwned = "/tmp/pwned-$Tag"
    $script:Dir = "/tmp/psra-$Tag"
    $null = New-Item -ItemType Directory $Dir
    & chown "${Attacker}:" $Dir

    # Program paths a user can give the processes they start; the audit log records them hex-encoded.
    $script:Exes = @(
        "$Dir/x;New-Item`t$Pwned;#"
        "$Dir/x`t-Capability`tcap_perfmon;New-Item`t$Pwned;#"
        "$Dir/a' ; New-Item $Pwned ; '"
        "$Dir/`$(New-Item $Pwned)"
        "$Dir/x`nNew-Item $Pwned"
        ("$Dir/``" + '$(New-Item ' + $Pwned + ')`')
        "$Dir/`e]0;owned`a`u{202E}"
    )
    $script:Comm = "x`nNew-Item $Pwned"

    function script:ConvertTo-Hex([string] $Text) { -join ([Text.Encoding]::UTF8.GetBytes($Text) | ForEach-Object { $_.ToString('X2') }) }
    # auditd's records of perf_event_open denied CAP_PERFMON and CAP_SYS_ADMIN, one event per program, and one
    # event that has only the AVC records (no exe, only comm).
    $lines = [System.Collections.Generic.List[string]]::new()
    $serial = 100
    foreach ($exe in $Exes + @($null)) {
        $serial++
        $stamp = "1795982462.$serial`:$serial"
        $comm = if ($exe) { 'perf' } else { $Comm }
        if ($exe) {
            $lines.Add("type=SYSCALL msg=audit($stamp): arch=c000003e syscall=298 success=no exit=-13 items=0 ppid=1 pid=$serial auid=1000 uid=1000 gid=1000 euid=1000 comm=$(ConvertTo-Hex $comm) exe=$(ConvertTo-Hex $exe) key=(null)")
        }
        $lines.Add("type=AVC msg=audit($stamp): avc:  denied  { perfmon } for  pid=$serial comm=$(ConvertTo-Hex $comm) capability=38 tclass=capability2 permissive=0")
        $lines.Add("type=AVC msg=audit($stamp): avc:  denied  { sys_admin } for  pid=$serial comm=$(ConvertTo-Hex $comm) capability=21 tclass=capability permissive=0")
        $lines.Add("type=EOE msg=audit($stamp): ")
    }
    $script:Log = "$Dir/audit.log"
    [IO.File]::WriteAllLines($Log, $lines)

    $script:Commands = @((Get-Command -Module PerfSecurity).Name) + 'sudo'
    function script:Get-ParsedCommands([string] $Line) {
        # The commands of a line, each as Name and Arguments (parameter names as -Name, values as the parser reads
        # them); anything that would run or expand something else (a variable, $(...), a script block) fails.
        $tokens = $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($Line, [ref] $tokens, [ref] $errors)
        $errors | Should -BeNullOrEmpty -Because $Line
        $Line | Should -Not -Match $TerminalControl
        $dynamic = $ast.FindAll({ param($a) $a -is [System.Management.Automation.Language.VariableExpressionAst] -or
                $a -is [System.Management.Automation.Language.SubExpressionAst] -or $a -is [System.Management.Automation.Language.ScriptBlockExpressionAst] -or
                ($a -is [System.Management.Automation.Language.ExpandableStringExpressionAst] -and $a.NestedExpressions.Count -gt 0) }, $true)
        @($dynamic).Count | Should -Be 0 -Because "nothing in '$Line' may expand"
        foreach ($s in $ast.EndBlock.Statements) {
            $s | Should -BeOfType ([System.Management.Automation.Language.PipelineAst])
            foreach ($c in $s.PipelineElements) {
                $c | Should -BeOfType ([System.Management.Automation.Language.CommandAst])
                $c.GetCommandName() | Should -BeIn $Commands
                [pscustomobject]@{
                    Name      = $c.GetCommandName()
                    Arguments = @($c.CommandElements | Select-Object -Skip 1 | ForEach-Object {
                            if ($_ -is [System.Management.Automation.Language.CommandParameterAst]) { '-' + $_.ParameterName } else { $_.SafeGetValue() -join ',' } })
                }
            }
        }
    }
    function script:Invoke-InSandbox([string[]] $Lines) {
        # Runs each line with Invoke-Expression as an unprivileged user, going on after errors as a pasted line
        # would; returns the first error of each line ('ran' when there was none).
        Invoke-AsUser $Sandbox {
            param($lines)
            Set-Location /tmp
            $ErrorActionPreference = 'Continue'
            foreach ($l in $lines) {
                $Error.Clear()
                try { $null = Invoke-Expression $l } catch { }
                if ($Error.Count -gt 0) { $Error[$Error.Count - 1].FullyQualifiedErrorId } else { 'ran' }
            }
        } -ArgumentList (, $Lines)
    }
}

AfterAll {
    Remove-Item -Recurse -Force $Dir, $Pwned -ErrorAction SilentlyContinue
    Remove-TestUser $Attacker
    Remove-TestUser $Sandbox
}

Describe 'Recommendations built from hostile paths' -Tag Security, Unprivileged {
    It 'Get-PerfCapabilityDenial: every Recommendation is Set-PerfCapability with the exe as its one -LiteralPath' {
        $denials = Get-PerfCapabilityDenial -LiteralPath $Log
        @($denials | Where-Object Executable).Count | Should -Be $Exes.Count
        foreach ($d in $denials) {
            $d.Recommendation | Should -Not -BeNullOrEmpty
            $parsed = @(Get-ParsedCommands $d.Recommendation)
            if ($d.Executable) {
                $parsed.Count | Should -Be 1 -Because $d.Recommendation
                $parsed[0].Name | Should -Be 'Set-PerfCapability'
                $parsed[0].Arguments.Count | Should -Be 4
                $parsed[0].Arguments[0] | Should -Be '-LiteralPath'
                $parsed[0].Arguments[1] | Should -BeExactly $d.Executable
                $parsed[0].Arguments[2..3] | Should -Be @('-Capability', 'cap_perfmon')
            }
            else {
                $d.Command | Should -BeExactly $Comm
                $parsed.Count | Should -Be 0 -Because 'without a path the recommendation is a comment'
            }
        }
    }

    It 'Get-PerfCapabilityDenial: running every Recommendation with Invoke-Expression creates no file' {
        $lines = @((Get-PerfCapabilityDenial -LiteralPath $Log).Recommendation)
        $r = Invoke-InSandbox $lines
        Test-Path -LiteralPath $Pwned | Should -BeFalse
        # Each line ran and failed as Set-PerfCapability would for that user (the comment runs as nothing).
        @($r.Output | Where-Object { $_ -like 'PerfCapability*' }).Count | Should -Be $Exes.Count -Because ($r.Output -join '; ')
    }

    It 'the audit: every remediation of binaries, perf.data and denials in hostile directories names exactly its target' {
        # The attacker names the directories; root gave the binary capabilities (a build the administrator installed).
        $bin = "$Dir/b' ; New-Item $Pwned ; '"
        $data = "$Dir/d`$(New-Item $Pwned)"
        $fixture = Join-Path $RepoRoot 'tests/PerfSecurity.Tests/Fixtures/perf-data/cpu-clock.data'
        & setpriv --reuid $Attacker --regid $Attacker --init-groups sh -c 'mkdir -p "$1" "$2" && cp /bin/true "$1/perf" && chmod 755 "$1/perf" && cp "$3" "$2/perf.data" && chmod 644 "$2/perf.data"' sh $bin $data $fixture
        $LASTEXITCODE | Should -Be 0
        # Group root (a warning: not a dedicated perf group); chgrp first, as it clears file capabilities.
        & chgrp root "$bin/perf"
        & setcap 'cap_sys_admin,cap_perfmon=ep' "$bin/perf"; $LASTEXITCODE | Should -Be 0
        $ids = 'PERF-BINARY-SYS-ADMIN', 'PERF-BINARY-OTHERS-EXECUTE', 'PERF-BINARY-WRITABLE', 'PERF-BINARY-GROUP', 'PERF-DATA-READABLE', 'PERF-AUDIT-DOUBLE-DENIAL'
        $findings = Invoke-PerfSecurityAudit -Profile PerfSecurityGuide -Id $ids -Path $bin -DataPath $data -AuditLogPath $Log | Where-Object Remediation
        @($findings.Id | Sort-Object -Unique) | Should -Be @($ids | Sort-Object) -Because 'each check must fail and recommend something'
        foreach ($f in $findings) {
            $parsed = @(Get-ParsedCommands $f.Remediation)
            $targets = @($parsed | ForEach-Object {
                    $a = $_.Arguments
                    for ($i = 0; $i -lt $a.Count - 1; $i++) { if ($a[$i] -in '-LiteralPath', '-Path', '-DataPath', '-Target') { $a[$i + 1] } } })
            # The denial without an exe is a comment; every other remediation acts on exactly the finding's file.
            if ($f.Target -eq $Log) { $targets | Should -BeNullOrEmpty -Because $f.Remediation }
            else { $targets | Should -Be @($f.Target) -Because $f.Remediation }
        }
        $r = Invoke-InSandbox @($findings.Remediation)
        Test-Path -LiteralPath $Pwned | Should -BeFalse -Because ($r.Output -join '; ')
        @($r.Output).Count | Should -Be @($findings).Count
    }
}
