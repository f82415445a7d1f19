# Counting test results for build.ps1 -Task Test: passed, failed and skipped (with each skip's reason) from the xunit
# trx and the Pester run, and the closing line "N passed, N failed, N skipped". Failures are named again, with the
# first lines of their message, just above that line: a log read from its end still says what failed.

# A skip whose reason starts with this says that the test cannot run on this kind of machine (for example no hardware
# PMU). Any other skip is a precondition that the test command should have provided (a program, root), so in CI
# (CI=true, where build.ps1 installed everything) it counts as a failure.
$MachineSkipPrefix = 'machine:'

function Read-TrxResult([string] $Path) {
    $run = ([xml](Get-Content -Raw $Path)).TestRun
    $counters = $run.ResultSummary.Counters
    # The counters leave skipped tests out: they are the results with outcome NotExecuted, the reason in ErrorInfo.
    $skipped = @($run.Results.UnitTestResult | Where-Object outcome -EQ 'NotExecuted' | ForEach-Object {
            $reason = if ($_.SelectSingleNode('*[local-name()="Output"]/*[local-name()="ErrorInfo"]/*[local-name()="Message"]')) { $_.Output.ErrorInfo.Message } else { '' }
            [pscustomobject]@{ Name = $_.testName; Reason = "$reason".Trim() }
        })
    $failures = @($run.Results.UnitTestResult | Where-Object outcome -In 'Failed', 'Error', 'Timeout' | ForEach-Object {
            $message = if ($_.SelectSingleNode('*[local-name()="Output"]/*[local-name()="ErrorInfo"]/*[local-name()="Message"]')) { $_.Output.ErrorInfo.Message } else { $_.outcome }
            [pscustomobject]@{ Name = $_.testName; Message = "$message" }
        })
    [pscustomobject]@{ Name = 'xunit'; Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout; Skipped = $skipped; Failures = $failures }
}

function ConvertFrom-PesterResult($Run) {
    # Set-ItResult -Skipped -Because X records "is skipped, because X"; a bare It -Skip records no reason.
    $skipped = @($Run.Skipped | ForEach-Object {
            $m = "$($_.ErrorRecord | Select-Object -First 1 | ForEach-Object { $_.Exception.Message })"
            [pscustomobject]@{ Name = $_.ExpandedPath; Reason = if ($m -match 'because (.*)$') { $Matches[1].Trim() } else { '' } }
        })
    $failures = @(@($Run.Failed) + @($Run.FailedBlocks) + @($Run.FailedContainers) | Where-Object { $_ } | ForEach-Object {
            $name = if ($_.PSObject.Properties['ExpandedPath']) { $_.ExpandedPath } else { "$($_.Item)" }
            [pscustomobject]@{ Name = $name; Message = "$($_.ErrorRecord | Select-Object -First 1 | ForEach-Object { $_.Exception.Message })" }
        })
    [pscustomobject]@{ Name = 'Pester'; Passed = $Run.PassedCount; Failed = $Run.FailedCount + $Run.FailedBlocksCount + $Run.FailedContainersCount; Skipped = $skipped; Failures = $failures }
}

function Write-TestSummary {
    <#
    Prints every skip with its reason, a line per runner, and the closing line; returns the number of failures
    (a skip that is not "machine: ..." counts as one in CI).
    #>
    param([object[]] $Result, [bool] $InCi)
    $skips = @($Result | ForEach-Object { @($_.Skipped) } | Where-Object { $_ })
    $refused = @(if ($InCi) { $skips | Where-Object { -not "$($_.Reason)".StartsWith($MachineSkipPrefix, [StringComparison]::OrdinalIgnoreCase) } })
    foreach ($s in $skips) {
        $verdict = if ($refused -contains $s) { 'FAILED (in CI a skip must give a reason starting "machine:")' } else { 'skipped' }
        Write-Host "$verdict`: $($s.Name): $(if ($s.Reason) { $s.Reason } else { '(no reason given)' })"
    }
    foreach ($f in @($Result | ForEach-Object { if ($_.PSObject.Properties['Failures']) { @($_.Failures) } } | Where-Object { $_ })) {
        # The first four lines, each cut at 300 characters: enough to say what and where, short enough to read.
        $lines = @("$($f.Message)" -split '\r?\n' | Where-Object { $_.Trim() } | Select-Object -First 4 | ForEach-Object { if ($_.Length -gt 300) { $_.Substring(0, 300) + '...' } else { $_ } })
        Write-Host "FAILED: $($f.Name)"
        foreach ($line in $lines) { Write-Host "    $line" }
    }
    Write-Host (($Result | ForEach-Object { "$($_.Name): $($_.Passed) passed, $($_.Failed) failed, $(@($_.Skipped | Where-Object { $_ }).Count) skipped" }) -join '; ')
    $passed = ($Result | Measure-Object Passed -Sum).Sum
    $failed = ($Result | Measure-Object Failed -Sum).Sum + $refused.Count
    Write-Host "$passed passed, $failed failed, $($skips.Count - $refused.Count) skipped"
    $failed
}
