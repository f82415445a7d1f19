# Reports of live and read-back findings: Markdown as GitHub renders it, HTML through a strict HTML5 parser and Chromium.
BeforeDiscovery {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/examples.ps1"
    $script:Examples = @(Get-HelpExample ConvertTo-PerfSecurityReport)
    $script:NoChromium = -not (Get-Command chromium -CommandType Application -ErrorAction SilentlyContinue)
    $script:NoCmark = -not (Get-Command cmark-gfm -CommandType Application -ErrorAction SilentlyContinue)
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/report.ps1"
    . "$PSScriptRoot/examples.ps1"
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ('pstreport{0}' -f (Get-Random))
    $null = New-Item -ItemType Directory $Work

    # Paranoid 1 fails SCAP and KSPP, so the report has failures to put first.
    $script:Live = @(Use-ParanoidLevel 1 { Invoke-PerfSecurityAudit -Profile Scap, Kspp })
    $script:Me = [Environment]::MachineName
    # Three hosts as they come back from files: this one live, node2 from CliXML, node10 from JSON (with PERF-PARANOID-RUNTIME passing).
    $Live | Export-Clixml "$Work/f.xml"
    $fromXml = Import-Clixml "$Work/f.xml" | ForEach-Object { $_.ComputerName = 'node2'; $_ }
    $fromJson = $Live | ConvertTo-Json | ConvertFrom-Json | ForEach-Object {
        $_.ComputerName = 'node10'
        if ($_.Id -eq 'PERF-PARANOID-RUNTIME') { $_.Status = 'Pass'; $_.Remediation = '' }
        $_
    }
    $script:Many = @($Live) + @($fromXml) + @($fromJson)
    $script:Hosts = @('node2', 'node10', $Me) | Sort-Object { $_ -replace '\d+', { $_.Value.PadLeft(8, '0') } }

    function script:Get-Worst($findings) {
        foreach ($s in 'Fail', 'Warning', 'Pass', 'NotApplicable') { if ($findings.Status -contains $s) { return $s } }
    }

    function script:Assert-Inert($doc) {
        $doc.QuerySelectorAll('script, img, iframe, object, embed, link, a, form, base, svg').Length | Should -Be 0
        foreach ($e in $doc.All) {
            foreach ($a in $e.Attributes) { $a.Name | Should -Not -BeIn @('src', 'href', 'style'); $a.Name | Should -Not -Match '^on' }
        }
        $doc.QuerySelector('style').TextContent | Should -Not -Match 'url\(|@import'
    }
}

AfterAll { Remove-Item -Recurse -Force $Work -ErrorAction SilentlyContinue }

Describe 'ConvertTo-PerfSecurityReport' -Tag Kernel {
    Context 'Markdown' {
        It 'reports one host: summary, then failures with the command that fixes each, then every check' {
            $md = $Live | ConvertTo-PerfSecurityReport
            $md | Should -BeOfType [string]
            $sections = [regex]::Matches($md, '(?m)^## (.+)$').ForEach({ $_.Groups[1].Value -replace ' \(\d+\)$' })
            $sections | Should -Be @('Summary', 'Failures', 'Warnings', 'Checks: Scap', 'Checks: Kspp')
            $fail = @($Live | Where-Object Status -EQ Fail)
            $md | Should -Match "## Failures \($($fail.Count)\)"
            foreach ($p in 'Scap', 'Kspp') {
                $set = $Live | Where-Object Profile -EQ $p
                $md | Should -Match ("\| $([regex]::Escape($Me)) \| $p \| $(@($set | Where-Object Status -EQ Fail).Count) \| $(@($set | Where-Object Status -EQ Warning).Count) \| $(@($set | Where-Object Status -EQ Pass).Count) \| $(@($set | Where-Object Status -EQ NotApplicable).Count) \|")
            }
        }

        It 'renders in GitHub''s cmark-gfm with each failure''s fix as it must be typed' -Skip:$NoCmark {
            $doc = ConvertFrom-Html (ConvertFrom-GfmMarkdown ($Live | ConvertTo-PerfSecurityReport))
            $rows = $doc.QuerySelectorAll('h2') | Where-Object TextContent -Like 'Failures*' | ForEach-Object { $_.NextElementSibling.QuerySelectorAll('tbody tr') }
            $expected = @($Live | Where-Object Status -EQ Fail | ForEach-Object { "$($_.Profile) $($_.Id) $($_.Remediation)" } | Sort-Object)
            $rendered = @($rows | ForEach-Object { $c = $_.QuerySelectorAll('td'); "$($c[2].TextContent) $($c[3].TextContent) $($c[7].TextContent)" } | Sort-Object)
            $rendered | Should -Be $expected
        }

        It 'shows a hosts × checks matrix per profile for many hosts' {
            $md = $Many | ConvertTo-PerfSecurityReport
            $md | Should -Match '## Hosts × checks: Scap'
            $block = ($md -split '## Hosts × checks: Scap')[1] -split '\n## ' | Select-Object -First 1
            $lines = @($block -split '\n' | Where-Object { $_ -match '^\| ' })
            $lines.Count | Should -Be 5  # header, alignment, three hosts
            $lines[2..4] | ForEach-Object { ($_ -split ' \| ')[0].TrimStart('| ') } | Should -Be $Hosts
        }
    }

    Context 'HTML' {
        BeforeAll {
            $script:Html = $Many | ConvertTo-PerfSecurityReport -Format Html -Title 'Fleet'
            $script:Page = Join-Path $Work 'fleet.html'
            [IO.File]::WriteAllText($Page, $Html)
        }

        It 'is one valid, self-contained, inert HTML5 document' {
            $doc = ConvertFrom-StrictHtml $Html
            Assert-Inert $doc
            $doc.Title | Should -Be 'Fleet'
            $doc.QuerySelector('meta[http-equiv=Content-Security-Policy]').GetAttribute('content') | Should -Match "^default-src 'none'; style-src 'sha256-"
            $Html | Should -Not -Match '[\x00-\x09\x0B-\x1F\x7F]'
            { [xml]$Html } | Should -Not -Throw
        }

        It 'colours each matrix cell by the worst status of that host and check' {
            $doc = ConvertFrom-StrictHtml $Html
            foreach ($p in 'Scap', 'Kspp') {
                $table = $doc.QuerySelector("table.matrix[data-profile=$p]")
                $checks = @($table.QuerySelectorAll('th.check') | ForEach-Object TextContent)
                # Every check of the profile, in the audit catalog's order.
                $checks | Should -Be @([PerfSecurity.Audit.AuditCatalog]::Checks.Id | Where-Object { $_ -in @($Live | Where-Object Profile -EQ $p).Id })
                $rows = @($table.QuerySelectorAll('tbody tr'))
                @($rows | ForEach-Object { $_.QuerySelector('th').TextContent }) | Should -Be $Hosts
                foreach ($row in $rows) {
                    $h = $row.QuerySelector('th').TextContent
                    $cells = @($row.QuerySelectorAll('td'))
                    for ($i = 0; $i -lt $checks.Count; $i++) {
                        $worst = Get-Worst ($Many | Where-Object { $_.ComputerName -eq $h -and $_.Profile -eq $p -and $_.Id -eq $checks[$i] })
                        $cells[$i].ClassName | Should -Be ('s-' + $worst.ToLowerInvariant()) -Because "$h $p $($checks[$i])"
                    }
                }
            }
        }

        It 'renders in Chromium with the matrix in its DOM and a screenshot that is not blank' -Skip:$NoChromium {
            $dom = ConvertFrom-Html (Invoke-Chromium -Page $Page)
            $dom.QuerySelectorAll('table.matrix').Length | Should -Be 2
            @($dom.QuerySelectorAll('table.matrix[data-profile=Scap] tbody th') | ForEach-Object TextContent) | Should -Be $Hosts
            $dom.QuerySelectorAll('script').Length | Should -Be 0
            $png = Join-Path $Work 'fleet.png'
            Invoke-Chromium -Page $Page -Screenshot $png
            $stats = [PngStats]::Read($png)
            $stats.Width | Should -Be 1200
            $stats.DistinctColors | Should -BeGreaterThan 50
            $stats.NonBackground | Should -BeGreaterThan 0.2
            # The header's dark band and the failure colour of the summary are painted: the inline stylesheet was allowed.
            $stats.Histogram[0x24292F] | Should -BeGreaterThan 10000
            $stats.Histogram[0xFDE2E0] | Should -BeGreaterThan 100
        }
    }

    Context 'hostile input' {
        BeforeAll {
            # What a compromised host or a forged file could put into findings.
            $script:Evil = $Live[0] | ConvertTo-Json | ConvertFrom-Json
            $Evil.ComputerName = '<img src=x onerror=alert(1)>'
            $Evil.Status = 'Fail'
            $Evil.Actual = "`e[31mred`e[0m`0 and `u{202E}gnp.exe"
            $Evil.Remediation = '</code><script>alert(1)</script> | `x` *y*'
            $Evil.Target = '[a](javascript:alert(1))'
            $script:Hostile = @($Evil) + @($fromJson | Select-Object -First 2)
        }

        It 'HTML shows it as text, with control and bidi characters escaped' -Tag Security {
            $html = $Hostile | ConvertTo-PerfSecurityReport -Format Html
            $doc = ConvertFrom-StrictHtml $html
            Assert-Inert $doc
            $html | Should -Not -Match '[\x00-\x09\x0B-\x1F\x7F\u202E]'
            $doc.QuerySelectorAll('table.matrix tbody th').TextContent | Should -Contain '<img src=x onerror=alert(1)>'
            $doc.QuerySelectorAll('#failures code').TextContent | Should -Contain '\x1B[31mred\x1B[0m\x00 and \u202Egnp.exe'
            $doc.QuerySelectorAll('#failures code').TextContent | Should -Contain '</code><script>alert(1)</script> | `x` *y*'
        }

        It 'HTML stays inert in Chromium' -Tag Security -Skip:$NoChromium {
            $page = Join-Path $Work 'hostile.html'
            [IO.File]::WriteAllText($page, ($Hostile | ConvertTo-PerfSecurityReport -Format Html))
            $dom = ConvertFrom-Html (Invoke-Chromium -Page $page)
            $dom.QuerySelectorAll('script, img, a').Length | Should -Be 0
        }

        It 'Markdown shows it as text in GitHub''s renderer, with raw HTML allowed' -Tag Security -Skip:$NoCmark {
            $md = $Hostile | ConvertTo-PerfSecurityReport
            $md | Should -Not -Match '[\x00-\x09\x0B-\x1F\x7F\u202E]'
            $doc = ConvertFrom-Html (ConvertFrom-GfmMarkdown $md)
            $doc.QuerySelectorAll('script, img, a, em, strong').Length | Should -Be 0
            $doc.QuerySelectorAll('code').TextContent | Should -Contain '</code><script>alert(1)</script> | `x` *y*'
            $doc.QuerySelectorAll('code').TextContent | Should -Contain '[a](javascript:alert(1))'
            $doc.QuerySelectorAll('td').TextContent | Should -Contain '<img src=x onerror=alert(1)>'
        }
    }

    Context 'help' {
        It 'runs <Title> as written' -ForEach $Examples {
            $dir = Join-Path $Work ('example{0}' -f (Get-Random))
            $null = New-Item -ItemType Directory $dir
            $r = Invoke-HelpExample $Code $dir
            $r.ExitCode | Should -Be 0 -Because $r.Output
            if ($Code -match 'Set-Content -Path (\S+)') { Join-Path $dir $Matches[1] | Should -Exist }
        }
    }

    Context 'errors and completion' {
        It 'reports input that is not a finding as an error and goes on with the rest' {
            $r = @([pscustomobject]@{ Id = 'PERF-X'; Status = 'Broken' }) + @($Live[0]) | ConvertTo-PerfSecurityReport -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'PerfReportInvalidFinding,*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
            $err[0].Exception.Message | Should -Match "Status is 'Broken'"
            $r | Should -Match '1 findings of 1 host'
        }

        It 'stops with PerfReportNoFindings when there is nothing to report' {
            { [pscustomobject]@{ Name = 'x' } | ConvertTo-PerfSecurityReport -ErrorAction SilentlyContinue } |
                Should -Throw -ErrorId 'PerfReportNoFindings,PerfSecurity.Commands.ConvertToPerfSecurityReportCommand'
        }

        It 'completes -Format' {
            (TabExpansion2 'ConvertTo-PerfSecurityReport -Format ' 37).CompletionMatches.CompletionText | Sort-Object | Should -Be @('Html', 'Markdown')
        }
    }
}
