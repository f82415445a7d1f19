# build.ps1 -Task Test checks tests/prerequisites.psd1 before any test runs. These tests run that logic against fake
# machines (a PATH of our own, a fake apt-get), so they do not depend on what this machine has installed.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$RepoRoot/tools/TestPrerequisites.ps1"
    $script:All = @(Get-TestPrerequisite)
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('pstprereq' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory $Work

    function script:New-FakeBin([string] $Name, [string[]] $Program = @()) {
        # A directory holding executables of these names (and nothing else): a PATH of one entry.
        $dir = Join-Path $Work $Name
        $null = New-Item -ItemType Directory -Force $dir
        foreach ($p in $Program) { New-FakeProgram (Join-Path $dir $p) "#!/bin/sh`nexit 0`n" }
        $dir
    }

    function script:New-FakeProgram([string] $Path, [string] $Text) {
        [IO.File]::WriteAllText($Path, $Text)
        & chmod 0755 $Path
    }

    function script:New-FakeAptGet([string] $Dir, [string] $Log, [string] $InstallInto) {
        # Records its arguments; "installs" a package by creating every program of it that the list names.
        $byPackage = ($All | Where-Object Kind -EQ Program | Group-Object Package | ForEach-Object {
                "  $($_.Name)) names='$(($_.Group | ForEach-Object Name) -join ' ')' ;;"
            }) -join "`n"
        $install = if ($InstallInto) {
            @"
if [ "`$1" = install ]; then
  for pkg in "`$@"; do
    names=''
    case "`$pkg" in
$byPackage
    esac
    for n in `$names; do printf '#!/bin/sh\nexit 0\n' > '$InstallInto'/"`$n"; chmod 0755 '$InstallInto'/"`$n"; done
  done
fi
"@
        } else { '' }
        New-FakeProgram (Join-Path $Dir 'apt-get') "#!/bin/sh`necho `"`$*`" >> '$Log'`n$install`nexit 0`n"
        Join-Path $Dir 'apt-get'
    }

    $script:Programs = @($All | Where-Object Kind -EQ Program)
    $script:Files = @($All | Where-Object Kind -EQ File)
}

AfterAll {
    Remove-Item -Recurse -Force $Work -ErrorAction SilentlyContinue
}

Describe 'The prerequisite list' {
    It 'names each program once, with a package and a reason' {
        $Programs.Count | Should -BeGreaterThan 20
        ($Programs.Name | Sort-Object -Unique).Count | Should -Be $Programs.Count
        foreach ($p in $All) {
            $p.Package | Should -Match '^[a-z0-9][a-z0-9.+-]+$'
            $p.For | Should -Not -BeNullOrEmpty
        }
    }

    It 'lists every program the Pester tests, the xunit tests and the module call' {
        # Commands in the test scripts that are not cmdlets, functions or aliases are programs: each must be listed.
        $known = @{}
        foreach ($c in Get-Command -CommandType Cmdlet, Function, Alias) { $known[$c.Name] = $true }
        $called = [Collections.Generic.HashSet[string]]::new()
        foreach ($file in Get-ChildItem "$RepoRoot/tests/pester", "$RepoRoot/tools" -Recurse -Filter *.ps1) {
            $ast = [Management.Automation.Language.Parser]::ParseFile($file.FullName, [ref]$null, [ref]$null)
            foreach ($f in $ast.FindAll({ $args[0] -is [Management.Automation.Language.FunctionDefinitionAst] }, $true)) { $known[($f.Name -replace '^script:', '')] = $true }
        }
        foreach ($file in Get-ChildItem "$RepoRoot/tests/pester" -Recurse -Filter *.ps1) {
            $ast = [Management.Automation.Language.Parser]::ParseFile($file.FullName, [ref]$null, [ref]$null)
            foreach ($cmd in $ast.FindAll({ $args[0] -is [Management.Automation.Language.CommandAst] }, $true)) {
                $name = $cmd.GetCommandName()
                if ($name -and $name -notmatch '[$\s]') { $null = $called.Add($name) }
                # Start-Process -FilePath X / Start-Process X
                if ($name -eq 'Start-Process') {
                    $first = $cmd.CommandElements | Select-Object -Skip 1 | Where-Object { $_ -is [Management.Automation.Language.StringConstantExpressionAst] } | Select-Object -First 1
                    if ($first) { $null = $called.Add($first.Value) }
                }
            }
            foreach ($m in [regex]::Matches((Get-Content -Raw $file.FullName), "ProcessStartInfo\]::new\('([^']+)'")) { $null = $called.Add($m.Groups[1].Value) }
        }
        foreach ($file in Get-ChildItem "$RepoRoot/tests/PerfSecurity.Tests", "$RepoRoot/src" -Recurse -Filter *.cs) {
            $text = Get-Content -Raw $file.FullName
            foreach ($m in [regex]::Matches($text, 'ProcessStartInfo\("([^"$]+)"')) { $null = $called.Add($m.Groups[1].Value) }
            foreach ($m in [regex]::Matches($text, 'ExternalTool\.(?:Find|Run)\("([^"]+)"')) { $null = $called.Add($m.Groups[1].Value) }
        }
        $calledPrograms = $called | ForEach-Object { Split-Path -Leaf $_ } | Where-Object { -not $known.ContainsKey($_) -and $_ -ne 'dotnet' -and $_ -notmatch '\.(ps1|psd1|psm1)$' } | Sort-Object -Unique
        $calledPrograms.Count | Should -BeGreaterThan 20 -Because 'the scan must find the programs the tests run'
        $unlisted = $calledPrograms | Where-Object { $_ -notin $Programs.Name }
        $unlisted | Should -BeNullOrEmpty -Because 'tests/prerequisites.psd1 must name the Debian package of every program the tests call'
    }
}

Describe 'Find-MissingTestPrerequisite' {
    It 'finds every program missing from a PATH that has none of them, and every file missing under an empty root' {
        $empty = New-FakeBin 'empty'
        $missing = Find-MissingTestPrerequisite -Prerequisite $All -SearchPath $empty -Root $empty
        $missing.Name | Should -Be $All.Name
    }

    It 'counts an executable in any PATH entry as there, and a file that is not executable as missing' {
        $a = New-FakeBin 'a' 'getcap', 'perf'
        $b = New-FakeBin 'b' 'sshd'
        [IO.File]::WriteAllText((Join-Path $b 'pscap'), 'not executable')
        & chmod 0644 (Join-Path $b 'pscap')
        $root = Join-Path $Work 'root'
        $null = New-Item -ItemType Directory -Force "$root/usr/include/linux"
        [IO.File]::WriteAllText("$root/usr/include/linux/perf_event.h", '')
        $missing = Find-MissingTestPrerequisite -Prerequisite $All -SearchPath "${a}::${b}:/nonexistent" -Root $root
        $missing.Name | Should -Not -Contain 'getcap'
        $missing.Name | Should -Not -Contain 'perf'
        $missing.Name | Should -Not -Contain 'sshd'
        $missing.Name | Should -Not -Contain '/usr/include/linux/perf_event.h'
        $missing.Name | Should -Contain 'pscap'
        $missing.Name | Should -Contain '/usr/include/stdio.h'
        $missing.Count | Should -Be ($All.Count - 4)
    }
}

Describe 'Install-TestPrerequisite' {
    BeforeEach {
        $script:Bin = New-FakeBin ('bin' + [guid]::NewGuid().ToString('N')) ($Programs.Name | Where-Object { $_ -notin 'getfattr', 'pscap', 'sshd' })
        $script:Root = Join-Path $Work ('root' + [guid]::NewGuid().ToString('N'))
        foreach ($f in $Files) { $null = New-Item -ItemType File -Force (Join-Path $Root $f.Name.TrimStart('/')) }
        $script:Log = Join-Path $Work ('apt' + [guid]::NewGuid().ToString('N') + '.log')
        $script:AptDir = New-FakeBin ('apt' + [guid]::NewGuid().ToString('N'))
    }

    It 'not root: stops with one message naming exactly what is missing and the command, and runs nothing' {
        $apt = New-FakeAptGet $AptDir $Log $Bin
        $e = { Install-TestPrerequisite -Prerequisite $All -SearchPath $Bin -Root $Root -IsRoot $false -AptGet $apt } | Should -Throw -PassThru
        $e.Exception.Message | Should -BeExactly ('The tests need programs this machine lacks, by Debian package: attr (getfattr); libcap-ng-utils (pscap); openssh-server (sshd). ' +
            'Nothing was run; not running as root: as root, run: apt-get update && apt-get install -y attr libcap-ng-utils openssh-server')
        Test-Path $Log | Should -BeFalse
    }

    It 'no apt-get: stops with the same list and the Debian packages to install' {
        $e = { Install-TestPrerequisite -Prerequisite $All -SearchPath $Bin -Root $Root -IsRoot $true -AptGet '' } | Should -Throw -PassThru
        $e.Exception.Message | Should -Match '^The tests need programs this machine lacks, by Debian package: attr \(getfattr\); libcap-ng-utils \(pscap\); openssh-server \(sshd\)\. Nothing was run; this machine has no apt-get'
        $e.Exception.Message | Should -Match 'apt-get install -y attr libcap-ng-utils openssh-server$'
    }

    It 'root with apt-get: updates, installs exactly the missing packages, says so, and checks again' {
        $apt = New-FakeAptGet $AptDir $Log $Bin
        $said = Install-TestPrerequisite -Prerequisite $All -SearchPath $Bin -Root $Root -IsRoot $true -AptGet $apt 6>&1 | ForEach-Object ToString
        Get-Content $Log | Should -Be @('update -qq', 'install -y -qq attr libcap-ng-utils openssh-server')
        $said | Should -Contain 'Installing the Debian packages the tests need: attr (getfattr); libcap-ng-utils (pscap); openssh-server (sshd)'
        $said | Should -Contain 'Installed: attr libcap-ng-utils openssh-server'
        Find-MissingTestPrerequisite -Prerequisite $All -SearchPath $Bin -Root $Root | Should -BeNullOrEmpty
    }

    It 'root with apt-get that leaves a program missing: stops and names it' {
        $apt = New-FakeAptGet $AptDir $Log ''
        { Install-TestPrerequisite -Prerequisite $All -SearchPath $Bin -Root $Root -IsRoot $true -AptGet $apt 6>$null } |
            Should -Throw 'apt-get installed attr libcap-ng-utils openssh-server, but these are still missing: attr (getfattr); libcap-ng-utils (pscap); openssh-server (sshd).'
    }

    It 'everything there: installs nothing' {
        $full = New-FakeBin ('full' + [guid]::NewGuid().ToString('N')) $Programs.Name
        $apt = New-FakeAptGet $AptDir $Log $full
        $said = Install-TestPrerequisite -Prerequisite $All -SearchPath $full -Root $Root -IsRoot $true -AptGet $apt 6>&1 | ForEach-Object ToString
        $said | Should -Be "Test prerequisites: all $($All.Count) programs and files are there."
        Test-Path $Log | Should -BeFalse
    }
}

Describe 'build.ps1 -Task Test on a machine that lacks the programs' {
    It 'stops before building, with the one message, exit code 1' {
        $empty = New-FakeBin 'nothing'
        $dll = "$RepoRoot/out/PerfSecurity/PerfSecurity.dll"
        $before = if (Test-Path $dll) { (Get-Item $dll).LastWriteTimeUtc } else { $null }
        # PATH has no program at all, so neither the tests' programs nor apt-get are found.
        $psi = [Diagnostics.ProcessStartInfo]::new((Get-Process -Id $PID).Path)
        foreach ($a in (Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-File', "$RepoRoot/build.ps1", '-Task', 'Test') { $psi.ArgumentList.Add($a) }
        $psi.Environment['PATH'] = $empty
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $p = [Diagnostics.Process]::Start($psi)
        $out = $p.StandardOutput.ReadToEndAsync(); $err = $p.StandardError.ReadToEnd()
        $p.WaitForExit()
        $lines = @($out.Result -split "`n" | Where-Object { $_.Trim() })
        $p.ExitCode | Should -Be 1 -Because "stderr: $err"
        $lines.Count | Should -Be 1 -Because ($lines -join "`n")
        $lines[0] | Should -Match '^The tests need programs this machine lacks, by Debian package: .*linux-perf \(perf\).*Nothing was run; this machine has no apt-get.*: apt-get update && apt-get install -y .*linux-perf'
        if ($before) { (Get-Item $dll).LastWriteTimeUtc | Should -Be $before }
    }
}

Describe 'Counting results: passed, failed, skipped, and skips in CI' {
    BeforeAll {
        . "$RepoRoot/tools/TestResults.ps1"
    }

    It 'reads passes, failures and each skip with its reason from a trx (the counters leave skips out)' {
        # The shape of the trx that dotnet test writes for xunit with Xunit.SkippableFact (namespace, NotExecuted, ErrorInfo).
        $trx = Join-Path $Work 'sample.trx'
        [IO.File]::WriteAllText($trx, @'
<?xml version="1.0" encoding="utf-8"?>
<TestRun id="1" name="sample" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
  <Results>
    <UnitTestResult testName="T.Passes" outcome="Passed" />
    <UnitTestResult testName="T.Fails" outcome="Failed"><Output><ErrorInfo><Message>Assert.Equal() Failure</Message></ErrorInfo></Output></UnitTestResult>
    <UnitTestResult testName="T.NoPmu" outcome="NotExecuted"><Output><ErrorInfo><Message>machine: no hardware PMU</Message></ErrorInfo></Output></UnitTestResult>
    <UnitTestResult testName="T.NeedsRoot" outcome="NotExecuted"><Output><ErrorInfo><Message>needs root</Message></ErrorInfo></Output></UnitTestResult>
    <UnitTestResult testName="T.Bare" outcome="NotExecuted" />
  </Results>
  <ResultSummary outcome="Failed">
    <Counters total="5" executed="2" passed="1" failed="1" error="0" timeout="0" notExecuted="0" />
  </ResultSummary>
</TestRun>
'@)
        $r = Read-TrxResult $trx
        $r.Passed | Should -Be 1
        $r.Failed | Should -Be 1
        $r.Skipped.Name | Should -Be @('T.NoPmu', 'T.NeedsRoot', 'T.Bare')
        $r.Skipped.Reason | Should -Be @('machine: no hardware PMU', 'needs root', '')
    }

    It 'reads the reason of Set-ItResult -Skipped -Because from a real Pester run' {
        $tests = Join-Path $Work 'sample.Tests.ps1'
        [IO.File]::WriteAllText($tests, @'
Describe 'sample' {
    It 'passes' { 1 | Should -Be 1 }
    It 'fails' { 1 | Should -Be 2 }
    It 'cannot run here' { Set-ItResult -Skipped -Because 'machine: no hardware PMU' }
    It 'lacks a program' { Set-ItResult -Skipped -Because 'pscap is not installed' }
    It 'bare' -Skip { }
}
'@)
        $pester = (Get-Module Pester).Path -replace 'psm1$', 'psd1'
        $json = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command "Import-Module '$pester'; . '$RepoRoot/tools/TestResults.ps1'; `$c = New-PesterConfiguration; `$c.Run.Path = '$tests'; `$c.Run.PassThru = `$true; `$c.Output.Verbosity = 'None'; ConvertFrom-PesterResult (Invoke-Pester -Configuration `$c) | ConvertTo-Json -Depth 4"
        $r = ($json -join "`n") | ConvertFrom-Json
        $r.Passed | Should -Be 1
        $r.Failed | Should -Be 1
        $r.Skipped.Reason | Should -Be @('machine: no hardware PMU', 'pscap is not installed', '')
        $r.Skipped.Name | Should -Be @('sample.cannot run here', 'sample.lacks a program', 'sample.bare')
    }

    It 'ends with "N passed, N failed, N skipped" alone on a line, each skip listed with its reason' {
        $x = [pscustomobject]@{ Name = 'xunit'; Passed = 10; Failed = 0; Skipped = @([pscustomobject]@{ Name = 'T.NoPmu'; Reason = 'machine: no hardware PMU' }) }
        $p = [pscustomobject]@{ Name = 'Pester'; Passed = 5; Failed = 1; Skipped = @([pscustomobject]@{ Name = 'p.root'; Reason = 'needs root' }, [pscustomobject]@{ Name = 'p.bare'; Reason = '' }) }
        $out = Write-TestSummary -Result $x, $p -InCi $false 6>&1 | ForEach-Object ToString
        $out[-1] | Should -Be 1
        $out[-2] | Should -BeExactly '15 passed, 1 failed, 3 skipped'
        $out | Should -Contain 'skipped: T.NoPmu: machine: no hardware PMU'
        $out | Should -Contain 'skipped: p.root: needs root'
        $out | Should -Contain 'skipped: p.bare: (no reason given)'
        $out | Should -Contain 'xunit: 10 passed, 0 failed, 1 skipped; Pester: 5 passed, 1 failed, 2 skipped'
    }

    It 'in CI a skip fails unless its reason says the machine cannot run it' {
        $x = [pscustomobject]@{ Name = 'xunit'; Passed = 10; Failed = 0; Skipped = @([pscustomobject]@{ Name = 'T.NoPmu'; Reason = 'machine: no hardware PMU' }) }
        $p = [pscustomobject]@{ Name = 'Pester'; Passed = 5; Failed = 0; Skipped = @([pscustomobject]@{ Name = 'p.root'; Reason = 'needs root' }, [pscustomobject]@{ Name = 'p.bare'; Reason = '' }) }
        $out = Write-TestSummary -Result $x, $p -InCi $true 6>&1 | ForEach-Object ToString
        $out[-1] | Should -Be 2
        $out[-2] | Should -BeExactly '15 passed, 2 failed, 1 skipped'
        $out | Should -Contain 'skipped: T.NoPmu: machine: no hardware PMU'
        $out | Should -Contain 'FAILED (in CI a skip must give a reason starting "machine:"): p.root: needs root'
    }
}

Describe 'Test areas: the tags and build.ps1 -Filter' {
    BeforeAll {
        . "$RepoRoot/tools/TestSelection.ps1"
        $script:KnownTags = @((Get-TestTag).Keys)
        # Every -Tag given to a Describe, Context or It in tests/pester, with where it stands.
        $script:TagUses = @(foreach ($file in Get-ChildItem "$RepoRoot/tests/pester" -Recurse -Filter '*.Tests.ps1') {
                $ast = [Management.Automation.Language.Parser]::ParseFile($file.FullName, [ref]$null, [ref]$null)
                $blocks = $ast.FindAll({ $args[0] -is [Management.Automation.Language.CommandAst] -and $args[0].GetCommandName() -in 'Describe', 'Context', 'It' }, $true)
                foreach ($block in $blocks) {
                    $elements = $block.CommandElements
                    for ($i = 1; $i -lt $elements.Count - 1; $i++) {
                        if ($elements[$i] -isnot [Management.Automation.Language.CommandParameterAst] -or $elements[$i].ParameterName -ne 'Tag') { continue }
                        $value = $elements[$i + 1]
                        $literal = $value -is [Management.Automation.Language.StringConstantExpressionAst] -or
                            ($value -is [Management.Automation.Language.ArrayLiteralAst] -and @($value.Elements | Where-Object { $_ -isnot [Management.Automation.Language.StringConstantExpressionAst] }).Count -eq 0)
                        $names = if ($literal) { @($value.FindAll({ $args[0] -is [Management.Automation.Language.StringConstantExpressionAst] }, $true) | ForEach-Object Value) } else { @($value.Extent.Text) }
                        foreach ($name in $names) {
                            [pscustomobject]@{ Tag = $name; Literal = $literal; Where = "$($file.Name):$($block.Extent.StartLineNumber)" }
                        }
                    }
                }
            })
    }

    It 'uses only the tags of tests/tags.psd1, written as plain words so that a reader sees the area' {
        $TagUses.Count | Should -BeGreaterThan 50
        @($TagUses | Where-Object { -not $_.Literal } | ForEach-Object { "$($_.Where): -Tag $($_.Tag)" }) | Should -BeNullOrEmpty
        @($TagUses | Where-Object { $KnownTags -cnotcontains $_.Tag } | ForEach-Object { "$($_.Where): $($_.Tag)" }) | Should -BeNullOrEmpty
    }

    It 'gives every known tag to at least one test' {
        foreach ($tag in $KnownTags) { $TagUses.Tag | Should -Contain $tag }
    }

    It 'turns -Filter into tags, left-out tags and test files, and refuses a name that is neither' {
        $root = "$RepoRoot/tests/pester"
        $all = Get-PesterSelection -TestRoot $root
        $all.Path | Should -Be @($root)
        $all.Tag.Count + $all.ExcludeTag.Count | Should -Be 0
        $s = Get-PesterSelection -Filter 'Remoting', '!Slow' -TestRoot $root
        $s.Tag | Should -Be @('Remoting')
        $s.ExcludeTag | Should -Be @('Slow')
        $s.Path | Should -Be @($root)
        (Get-PesterSelection -Filter 'Get-PerfAccess' -TestRoot $root).Path | Should -Be @("$root/Get-PerfAccess.Tests.ps1")
        @((Get-PesterSelection -Filter 'Security.*' -TestRoot $root).Path | Split-Path -Leaf) | Should -Be @(Get-ChildItem $root -Filter 'Security.*.Tests.ps1' | ForEach-Object Name)
        { Get-PesterSelection -Filter 'Kernal' -TestRoot $root } | Should -Throw "*neither a test tag*Kernel*"
    }

    It 'runs with Pester exactly the tests of the selected area' -Tag Slow {
        $dir = Join-Path $Work 'areas'
        $null = New-Item -ItemType Directory -Force $dir
        [IO.File]::WriteAllText("$dir/One.Tests.ps1", @'
Describe 'kernel block' -Tag Kernel {
    It 'inherits Kernel' { }
    It 'is slow too' -Tag Slow { }
}
Describe 'plain block' {
    It 'has no area' { }
    It 'runs remotely' -Tag Remoting { }
}
'@)
        [IO.File]::WriteAllText("$dir/Two.Tests.ps1", "Describe 'two' { It 'is in the other file' { } }")
        $pester = (Get-Module Pester).Path -replace 'psm1$', 'psd1'
        $list = { param($items) ($items | ForEach-Object { "'$_'" }) -join ', ' }
        # One child pwsh runs Pester once per selection, as build.ps1 configures it, and prints the tests that ran.
        $script = @("Import-Module '$pester'") + @(foreach ($filter in @('Kernel'), @('!Slow'), @('Remoting', 'Slow'), @('Two')) {
                $s = Get-PesterSelection -Filter $filter -TestRoot $dir
                "`$c = New-PesterConfiguration; `$c.Run.Path = @($(& $list $s.Path)); `$c.Filter.Tag = @($(& $list $s.Tag)); `$c.Filter.ExcludeTag = @($(& $list $s.ExcludeTag)); `$c.Run.PassThru = `$true; `$c.Output.Verbosity = 'None'"
                "'$($filter -join '+'): ' + (((Invoke-Pester -Configuration `$c).Passed.Name | Sort-Object) -join ', ')"
            })
        $ran = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command ($script -join "`n")
        $ran | Should -Be @(
            'Kernel: inherits Kernel, is slow too'
            '!Slow: has no area, inherits Kernel, is in the other file, runs remotely'
            'Remoting+Slow: is slow too, runs remotely'
            'Two: is in the other file'
        )
    }
}
