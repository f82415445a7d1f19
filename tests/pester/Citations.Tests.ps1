# What the module prints cites only what its users can read: the kernel guide, man pages, standards' rule ids, and
# the module's own files. Never a file of this repository that does not ship (tests, tools, README, ...) nor the
# notes the module was written from.
BeforeAll {
    . "$PSScriptRoot/common.ps1"

    # Files of this repository outside docs/ and src/, by path, and by name where the name is a source or document
    # file (fixture data names such as pipe.data are also ordinary example names). The module's own files are fine.
    $shipped = @(Get-ChildItem -Recurse -File $ModuleDir | ForEach-Object Name)
    $files = Get-ChildItem -Recurse -File -Force $RepoRoot | ForEach-Object { [IO.Path]::GetRelativePath($RepoRoot, $_.FullName) } |
        Where-Object { $_ -notmatch '^(docs|src|out)/|(^|/)(bin|obj|\.git|TestResults)(/|$)' }
    $script:Forbidden = [Collections.Generic.List[string]]::new()
    foreach ($f in $files) {
        $leaf = Split-Path -Leaf $f
        if ($leaf -in $shipped) { continue }
        if ($f.Contains('/')) { $Forbidden.Add([regex]::Escape($f)) }
        if ($leaf -match '\.(ps1|psd1|psm1|md|cs|csproj|sln|c|sh|json|txt)$') { $Forbidden.Add('(?<![\w./-])' + [regex]::Escape($leaf)) }
    }
    # The notes next to the repository: design, style, kernel facts, the ABI notes and the local copy of the guide.
    foreach ($p in '\bDESIGN\b', '\bSTYLE\b', 'kernel-facts', 'perf-event-abi', 'perf-security\.txt', '(?<![\w/])shared/') { $Forbidden.Add($p) }
    $script:Pattern = [regex]::new(($Forbidden -join '|'))

    function script:Find-Citation([string] $Text) {
        # Each forbidden name found, with the line it is on.
        foreach ($line in $Text -split "`n") {
            foreach ($m in $Pattern.Matches($line)) { "'$($m.Value)' in: $($line.Trim())" }
        }
    }

    $script:Tag = 'pstcite{0}' -f (Get-Random -Minimum 10000 -Maximum 99999)
    $script:Dir = "/var/tmp/$Tag"
    $null = New-Item -ItemType Directory $Dir
}

AfterAll {
    Remove-Item -Recurse -Force $Dir -ErrorAction SilentlyContinue
}

Describe 'What the module cites' {
    It 'the pattern catches the names it is meant to' {
        Find-Citation 'see kernel-facts §12' | Should -Not -BeNullOrEmpty
        Find-Citation 'DESIGN safety rule' | Should -Not -BeNullOrEmpty
        Find-Citation 'as tests/pester/common.ps1 does' | Should -Not -BeNullOrEmpty
        Find-Citation 'run build.ps1' | Should -Not -BeNullOrEmpty
        Find-Citation 'perf-security: Unprivileged users; sysctl.d(5); /opt/tools/x; /usr/lib/linux-tools/6.1/perf' | Should -BeNullOrEmpty
    }

    It 'every finding of every check and profile, with capable binaries, a script and an exposed perf.data' {
        # Fixtures that make the per-file checks speak: a capable ELF (sys_admin, writable by others), a capable script.
        $elf = Join-Path $Dir 'perf'
        Copy-Item /bin/true $elf
        & chmod 0777 $elf
        & setcap 'cap_sys_admin,cap_perfmon=ep' $elf
        $script = Join-Path $Dir 'perf-wrapper'
        [IO.File]::WriteAllText($script, "#!/bin/sh`nexec /bin/true `"`$@`"`n")
        & chmod 0755 $script
        & setcap 'cap_perfmon=ep' $script
        $data = Join-Path $Dir 'perf.data'
        & perf record -q -e cpu-clock -o $data -- true 2>$null
        & chmod 0644 $data
        $findings = Invoke-PerfSecurityAudit -Profile All -Path $Dir -DataPath $Dir
        ($findings.Id | Sort-Object -Unique).Count | Should -BeGreaterOrEqual 14
        $text = $findings | ForEach-Object { $_.Title; $_.Expected; $_.Actual; $_.Remediation; $_.Reference } | Out-String
        Find-Citation $text | Should -BeNullOrEmpty
        foreach ($r in $findings.Reference | Sort-Object -Unique) {
            $r | Should -Match '^(perf-security: |SSG |kernel-hardening-checker |Lynis |[a-z_.]+\([0-9]\))' -Because 'a reference starts with the guide, a standard or a man page'
        }
    }

    It 'the full help of every command and about_PerfSecurity' {
        $text = foreach ($c in Get-Command -Module PerfSecurity) { Get-Help $c.Name -Full | Out-String -Width 200 }
        $text += Get-Help about_PerfSecurity | Out-String -Width 200
        Find-Citation ($text -join "`n") | Should -BeNullOrEmpty
    }

    It 'every string literal in src (messages, references, remediations) and the files the module ships' {
        $hits = foreach ($f in Get-ChildItem "$RepoRoot/src/PerfSecurity" -Recurse -File -Include *.cs | Where-Object FullName -NotMatch '/(bin|obj)/') {
            foreach ($m in [regex]::Matches((Get-Content -Raw $f.FullName), '"(?:[^"\\\n]|\\.)*"')) {
                Find-Citation $m.Value | ForEach-Object { "$($f.Name): $_" }
            }
        }
        $hits += foreach ($f in Get-ChildItem $ModuleDir -Recurse -File -Include *.ps1xml, *.ps1, *.txt, *.xml, *.psd1) {
            Find-Citation (Get-Content -Raw $f.FullName) | ForEach-Object { "$($f.Name): $_" }
        }
        $hits | Should -BeNullOrEmpty
    }
}
