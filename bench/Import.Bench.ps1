# Import-Module time and first-call time in a new pwsh (median of 10 processes), against the import of an
# empty binary module (one cmdlet, built here) as the peer: what a cold pwsh costs for any binary module.
param([string] $ModulePath, [int] $Count = 10)

function Measure-Import([string] $Path, [string] $FirstCall) {
    $script = "`$t = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$Path'; `$i = `$t.Elapsed.TotalMilliseconds; `$t.Restart(); `$null = $FirstCall; `$f = `$t.Elapsed.TotalMilliseconds; `"`$i `$f`""
    $imports = @(); $firsts = @()
    for ($n = 0; $n -lt $Count; $n++) {
        $i, $f = (& dotnet "$PSHOME/pwsh.dll" -NoProfile -NonInteractive -Command $script) -split ' '
        $imports += [double]$i; $firsts += [double]$f
    }
    [pscustomobject]@{ Import = (Get-Median $imports); First = (Get-Median $firsts) }
}

$empty = Join-Path ([IO.Path]::GetTempPath()) "perfsecurity-bench-empty-$PID"
try {
    $null = New-Item -ItemType Directory -Force "$empty/src", "$empty/EmptyBinary"
    Set-Content "$empty/src/EmptyBinary.csproj" @'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net8.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
  <ItemGroup><PackageReference Include="PowerShellStandard.Library" Version="5.1.1" PrivateAssets="all" /></ItemGroup>
</Project>
'@
    Set-Content "$empty/src/GetEmptyCommand.cs" @'
using System.Management.Automation;
[Cmdlet(VerbsCommon.Get, "Empty")]
public sealed class GetEmptyCommand : PSCmdlet { protected override void ProcessRecord() => WriteObject(1); }
'@
    & dotnet build "$empty/src/EmptyBinary.csproj" -c Release -o "$empty/EmptyBinary" --nologo -v q | Out-Null
    if ($LASTEXITCODE) { throw 'Building the empty binary module failed' }
    Set-Content "$empty/EmptyBinary/EmptyBinary.psd1" "@{ RootModule = 'EmptyBinary.dll'; ModuleVersion = '1.0.0'; GUID = '$([guid]::NewGuid())'; CmdletsToExport = 'Get-Empty'; CompatiblePSEditions = 'Core' }"

    $peer = Measure-Import "$empty/EmptyBinary/EmptyBinary.psd1" 'Get-Empty'
    $ours = Measure-Import $ModulePath 'Get-PerfParanoid'
    New-BenchRow -Benchmark 'Import-Module PerfSecurity (new pwsh)' -Ours $ours.Import -Peer $peer.Import -PeerName 'empty binary module' `
        -Target '<= 150 ms' -Met ($ours.Import -le 150) `
        -Notes ("median of $Count new pwsh processes; we add {0:0} ms to the empty module's import" -f ($ours.Import - $peer.Import))
    New-BenchRow -Benchmark 'First call after import: Get-PerfParanoid' -Ours $ours.First -Peer $peer.First -PeerName 'Get-Empty'
}
finally {
    Remove-Item -Recurse -Force $empty -ErrorAction SilentlyContinue
}
