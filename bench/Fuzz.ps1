<#
.SYNOPSIS
    Runs the parser fuzz tests with many cases each (default 100,000) and prints the counts and outcomes.
.DESCRIPTION
    The test run uses a few thousand cases per parser; this raises PERFSECURITY_FUZZ_ITER for one
    long run. Record the printed summary in docs/fuzzing.md.
#>
param([long] $Iterations = 100000)
$ErrorActionPreference = 'Stop'
$project = Join-Path $PSScriptRoot '../tests/PerfSecurity.Tests'
$env:PERFSECURITY_FUZZ_ITER = "$Iterations"
try {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $out = & dotnet test $project --filter 'FullyQualifiedName~Fuzz' --logger 'console;verbosity=detailed' 2>&1
    $code = $LASTEXITCODE
    $out | Where-Object { "$_" -match '^\s*(Passed|Failed) |cases|Total tests|Passed:|Failed:|Error Message' } | ForEach-Object { "$_".Trim() }
    "exit $code after $([int]$watch.Elapsed.TotalSeconds) s with PERFSECURITY_FUZZ_ITER=$Iterations"
    exit $code
}
finally { Remove-Item Env:PERFSECURITY_FUZZ_ITER }
