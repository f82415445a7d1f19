# Default views: what a user sees is what a user can select. Every column header and list label is a property of the
# object shown, and the column that decides (Status, Compliant, Fits, Allowed, ...) is on screen at 80 and 120 columns.
BeforeDiscovery {
    . "$PSScriptRoot/common.ps1"
    $formatFile = Join-Path $ModuleDir 'PerfSecurity.Format.ps1xml'
    $script:ViewCases = foreach ($view in ([xml](Get-Content -Raw $formatFile)).Configuration.ViewDefinitions.View) {
        $names = if ($view.TableControl) {
            $headers = @($view.TableControl.TableHeaders.TableColumnHeader)
            $items = @($view.TableControl.TableRowEntries.TableRowEntry | Select-Object -Last 1).TableColumnItems.TableColumnItem
            # A column without a label is headed by its property's name; the report view draws its own headers.
            if ($view.TableControl.HideTableHeaders -ne $null) { @() }
            else { for ($i = 0; $i -lt $headers.Count; $i++) { if ($headers[$i].Label) { $headers[$i].Label } else { $items[$i].PropertyName } } }
        }
        elseif ($view.ListControl) {
            $view.ListControl.ListEntries.ListEntry.ListItems.ListItem | ForEach-Object { if ($_.Label) { $_.Label } else { $_.PropertyName } }
        }
        foreach ($type in $view.ViewSelectedBy.TypeName) {
            @{ View = $view.Name; Type = $type; Names = @($names) }
        }
    }
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:ViewWork = Join-Path ([IO.Path]::GetTempPath()) ('pstviews{0}' -f (Get-Random))
    $null = New-Item -ItemType Directory $ViewWork

    function script:Get-ViewTable([object[]] $Objects, [int] $Width) {
        <#
        Renders $Objects with their default view at $Width columns and reads the table back: the header names, and per
        row the cells, cut where the dashes under the headers start and end.
        #>
        $lines = @(($Objects | Out-String -Width $Width) -split "`r?`n" | ForEach-Object { $_ -replace '\e\[[0-9;]*m', '' })
        $rule = [array]::FindIndex([string[]]$lines, [Predicate[string]] { $args[0] -match '^\s*-+( +-+)*\s*$' })
        if ($rule -lt 1) { throw "no table in:`n$($lines -join "`n")" }
        # A column runs from the start of its dashes to the start of the next column's (the dashes are as long as the
        # header, the column as wide as its widest cell).
        $starts = @([regex]::Matches($lines[$rule], '-+').Index)
        $spans = for ($i = 0; $i -lt $starts.Count; $i++) { @{ Start = $starts[$i]; Length = if ($i -lt $starts.Count - 1) { $starts[$i + 1] - $starts[$i] } else { [int]::MaxValue } } }
        $cell = { param($line, $span, $last) if ($line.Length -le $span.Start) { '' } elseif ($line.Length -lt $span.Start + $span.Length) { $line.Substring($span.Start).Trim() } else { $line.Substring($span.Start, $span.Length).Trim() } }
        $headers = @(for ($i = 0; $i -lt $spans.Count; $i++) { & $cell $lines[$rule - 1] $spans[$i] ($i -eq $spans.Count - 1) })
        $rows = [Collections.Generic.List[object]]::new()
        foreach ($line in $lines[($rule + 1)..($lines.Count - 1)]) {
            if (-not $line.Trim()) { if ($rows.Count) { break } else { continue } }
            # A row starts where its first cell is filled; a wrapped row continues with the first cell blank.
            if (-not (& $cell $line $spans[0] $false)) { continue }
            # One row per object: what follows the last one (the paranoid level's meaning) is not a row.
            if ($rows.Count -eq $Objects.Count) { break }
            $row = @{}
            for ($i = 0; $i -lt $spans.Count; $i++) { $row[$headers[$i]] = & $cell $line $spans[$i] ($i -eq $spans.Count - 1) }
            $rows.Add($row)
        }
        [pscustomobject]@{ Width = $Width; Headers = $headers; Rows = $rows.ToArray(); Text = $lines -join "`n" }
    }

    function script:Assert-Shown([string] $Shown, [string] $Expected, [string] $Because) {
        # The cell shows the value, whole or cut with an ellipsis.
        if ($Shown.EndsWith([char]0x2026)) { $Expected | Should -BeLike "$([WildcardPattern]::Escape($Shown.TrimEnd([char]0x2026)))*" -Because $Because }
        else { $Shown | Should -BeExactly $Expected -Because $Because }
    }
}

AfterAll {
    Remove-Item -Recurse -Force $ViewWork -ErrorAction SilentlyContinue
}

Describe 'Headers and labels of the default views' {
    It 'covers every view in the format file' {
        $ViewCases.Count | Should -BeGreaterThan 20
    }

    It '<View> (<Type>) names only properties of <Type>' -ForEach $ViewCases {
        $clr = [PerfSecurity.Finding].Assembly.GetType($Type)
        $clr | Should -Not -BeNullOrEmpty -Because "$Type is a type of the module"
        $properties = @($clr.GetProperties().Name) + @((Get-TypeData $Type).Members.Keys) + 'PSComputerName'
        foreach ($name in $Names) { $properties | Should -Contain $name -Because "the header '$name' of $View must select something" }
    }
}

Describe 'The deciding column at 80 and 120 columns' {
    BeforeAll {
        $perfData = Join-Path $ViewWork 'perf.data'
        $null = & perf record -q -o $perfData -e task-clock -- true 2>&1
        # Baselines are written only where root alone can change the path.
        $script:ViewBaseDir = New-RootOnlyDirectory 'pstviews'
        $base = Join-Path $ViewBaseDir 'baseline.json'
        Export-PerfSecurityBaseline -Path $base
        # A baseline that expects another paranoid level than the one running: one drift to show.
        $json = Get-Content -Raw $base | ConvertFrom-Json -Depth 20
        $paranoid = $json.Sysctls | Where-Object Name -EQ 'kernel.perf_event_paranoid'
        $paranoid.Runtime = "$([int]$paranoid.Runtime + 1)"
        $json | ConvertTo-Json -Depth 20 | Set-Content $base
        $script:DecidingCases = @(
            @{ Name = 'Invoke-PerfSecurityAudit'; Column = 'Status'; Objects = @(Invoke-PerfSecurityAudit); Value = { "$($_.Status)" } }
            @{ Name = 'Get-PerfParanoid'; Column = 'InSync'; Objects = @(Get-PerfParanoid); Value = { "$($_.InSync)" } }
            @{ Name = 'Get-PerfSysctl'; Column = 'InSync'; Objects = @(Get-PerfSysctl); Value = { "$($_.InSync)" } }
            @{ Name = 'Get-PerfAccess'; Column = 'Allowed'; Objects = @(Get-PerfAccess); Value = { "$($_.Allowed)" } }
            @{ Name = 'Measure-PerfMlockBudget -MmapPages'; Column = 'Fits'; Objects = @(Measure-PerfMlockBudget -MmapPages 256); Value = { "$($_.Fits)" } }
            @{ Name = 'Measure-PerfMlockBudget'; Column = 'DefaultFits'; Objects = @(Measure-PerfMlockBudget); Value = { "$($_.DefaultFits)" } }
            @{ Name = 'Measure-PerfFileDescriptorBudget'; Column = 'Sufficient'; Objects = @(Measure-PerfFileDescriptorBudget -EventCount 8); Value = { "$($_.Sufficient)" } }
            @{ Name = 'Get-PerfUsersGroup'; Column = 'Compliant'; Objects = @(Get-PerfUsersGroup); Value = { "$($_.Compliant)" } }
            @{ Name = 'Get-PerfProcessCapability'; Column = 'Text'; Objects = @(Get-PerfProcessCapability -Id 1, $PID); Value = { "$($_.Text)" } }
            @{ Name = 'Get-PerfDataExposure'; Column = 'Risk'; Objects = @(Get-PerfDataExposure -LiteralPath $perfData); Value = { "$($_.Risk)" } }
            @{ Name = 'Get-PerfEvent'; Column = 'Type'; Objects = @(Get-PerfEvent task-clock, page-faults, msr/tsc/); Value = { "$($_.Type)" } }
            @{ Name = 'Compare-PerfSecurityBaseline'; Column = 'Actual'; Objects = @(Compare-PerfSecurityBaseline -Baseline $base); Value = { "$($_.Actual)" } }
        )
    }

    AfterAll {
        if ($ViewBaseDir) { Remove-Item -Recurse -Force $ViewBaseDir -ErrorAction SilentlyContinue }
    }

    It 'shows the deciding column of each default table, with every row''s value' {
        foreach ($case in $DecidingCases) {
            $case.Objects.Count | Should -BeGreaterThan 0 -Because "$($case.Name) has something to show"
            foreach ($width in 80, 120) {
                $table = Get-ViewTable $case.Objects $width
                $table.Headers | Should -Contain $case.Column -Because "$($case.Name) at $width columns:`n$($table.Text)"
                foreach ($header in $table.Headers) { $header | Should -Not -Match '…' -Because "$($case.Name): headers are whole names at $width columns" }
                $table.Rows.Count | Should -Be $case.Objects.Count -Because "one row per object from $($case.Name) at $width columns:`n$($table.Text)"
                for ($i = 0; $i -lt $case.Objects.Count; $i++) {
                    $expected = $case.Objects[$i] | ForEach-Object $case.Value
                    Assert-Shown $table.Rows[$i][$case.Column] $expected "row $i of $($case.Name) at $width columns:`n$($table.Text)"
                }
            }
        }
    }

    It 'draws no line wider than the window' {
        foreach ($case in $DecidingCases) {
            foreach ($width in 80, 120) {
                foreach ($line in (Get-ViewTable $case.Objects $width).Text -split "`n") {
                    $line.Length | Should -BeLessOrEqual $width -Because "$($case.Name) at $width columns: '$line'"
                }
            }
        }
    }
}
