# Runs test code in a private copy of /etc: a child pwsh in its own mount namespace where /etc is a copy-on-write
# overlay of the real one. Groups, users, sudoers rules, sysctl.d and limits.conf changed there are seen by no one
# else, and what other test runs change in the real /etc is not seen there. (Runtime sysctls stay global.)

function Invoke-InPrivateEtc {
    <#
    Runs $ScriptBlock with the module imported and $ArgumentList splatted, in a private /etc, and returns its output
    (through CliXML, so objects keep their properties). A terminating error in the block is thrown here.
    #>
    param([scriptblock] $ScriptBlock, [object[]] $ArgumentList = @())
    $dir = Join-Path ([IO.Path]::GetTempPath()) ('pstns{0}' -f (Get-Random))
    $null = New-Item -ItemType Directory "$dir/upper", "$dir/work"
    try {
        $ArgumentList | Export-Clixml "$dir/args.xml"
        $wrapper = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModuleDir'
`$argsIn = @(Import-Clixml '$dir/args.xml')
try { & { $ScriptBlock } @argsIn | Export-Clixml -Depth 5 '$dir/result.xml' }
catch { `$_.ToString() + "``n" + `$_.ScriptStackTrace | Set-Content '$dir/error.txt'; exit 1 }
"@
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($wrapper))
        $pwsh = Join-Path $PSHOME 'pwsh.dll'
        $log = & unshare --mount --propagation private -- sh -c "mount -t overlay overlay -o lowerdir=/etc,upperdir=$dir/upper,workdir=$dir/work /etc && exec dotnet '$pwsh' -NoProfile -NonInteractive -EncodedCommand $encoded" 2>&1
        if (Test-Path "$dir/error.txt") { throw "In the private /etc: $(Get-Content -Raw "$dir/error.txt")" }
        if ($LASTEXITCODE -ne 0 -or -not (Test-Path "$dir/result.xml")) { throw "The private /etc run failed ($LASTEXITCODE): $($log | Out-String)" }
        Import-Clixml "$dir/result.xml"
    }
    finally { Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue }
}
