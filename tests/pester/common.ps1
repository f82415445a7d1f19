# Shared set-up for the Pester suites: imports the built module and offers helpers to change
# global state safely (always restored) and to run commands as a real unprivileged user.
$ErrorActionPreference = 'Stop'
$script:RepoRoot = (Resolve-Path "$PSScriptRoot/../..").Path
$script:ModuleDir = if ($env:PERFSECURITY_MODULE) { $env:PERFSECURITY_MODULE } else { Join-Path $RepoRoot 'out/PerfSecurity' }
Import-Module $ModuleDir -Force

# A world-readable copy of pwsh and of the module, so that other users can run them.
# One per checkout, so that test runs of two checkouts never use each other's build.
$script:SharedDir = '/tmp/perfsecurity-tests-' + [BitConverter]::ToUInt32([Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes($RepoRoot)), 0).ToString('x')

# The module's sysctl drop-in (written by Set-PerfParanoid -Persist and the audit repairs).
$script:DropIn = '/etc/sysctl.d/99-zz-perfsecurity.conf'

function Save-ParanoidState {
    # The runtime level and the drop-in as they are, for Restore-ParanoidState in AfterAll.
    [pscustomobject]@{ Level = Get-ParanoidRuntime; DropIn = if (Test-Path $DropIn) { [IO.File]::ReadAllText($DropIn) } else { $null } }
}

function Restore-ParanoidState($Saved) {
    Set-ParanoidRuntime $Saved.Level
    if ($null -eq $Saved.DropIn) { Remove-Item $DropIn -ErrorAction SilentlyContinue } else { [IO.File]::WriteAllText($DropIn, $Saved.DropIn) }
    Get-ChildItem /etc/sysctl.d -Force -Filter '.99-zz-perfsecurity.conf.*.tmp' | Remove-Item -Force
}

function Get-ParanoidLineOtherThan {
    # The sysctl configuration lines (file:line = value) that set kernel.perf_event_paranoid to another value than $Value,
    # outside the files in $Except: a host's own configuration that a test must leave alone.
    param([string] $Value, [string[]] $Except = @())
    foreach ($at in (Get-PerfParanoid).AlsoSetIn) {
        $file, $line = $at -split ':(?=\d+$)'
        if ($file -in $Except) { continue }
        $set = ((Get-Content $file)[[int]$line - 1] -split '=', 2)[1].Trim()
        if ($set -ne $Value) { "$at = $set" }
    }
}

function Get-ParanoidRuntime { [int](Get-Content /proc/sys/kernel/perf_event_paranoid) }

function Set-ParanoidRuntime([int] $Level) {
    # Set-Content cannot write procfs files; a plain write(2) of the number can.
    [IO.File]::WriteAllText('/proc/sys/kernel/perf_event_paranoid', "$Level`n")
}

function Use-ParanoidLevel {
    # Runs $ScriptBlock at paranoid $Level and restores the previous level even when it fails.
    param([int] $Level, [scriptblock] $ScriptBlock)
    $before = Get-ParanoidRuntime
    try { Set-ParanoidRuntime $Level; & $ScriptBlock }
    finally { Set-ParanoidRuntime $before }
}

function New-TestUser {
    # Creates a throw-away unprivileged user (no home, no password) and returns its name.
    param([string] $Prefix = 'pstest')
    $name = '{0}{1}' -f $Prefix, (Get-Random -Minimum 10000 -Maximum 99999)
    & useradd --no-create-home --shell /bin/sh --user-group $name
    if ($LASTEXITCODE -ne 0) { throw "useradd $name failed" }
    $name
}

function Remove-TestUser([string] $Name) {
    # userdel refuses while the user still has processes (a killed one may take a moment to go).
    if (-not $Name) { return }
    for ($i = 0; $i -lt 50 -and (& getent passwd $Name); $i++) {
        & pkill -KILL -u $Name 2>$null
        & userdel $Name 2>$null
        if (& getent passwd $Name) { Start-Sleep -Milliseconds 100 }
    }
    if (& getent group $Name) { & groupdel $Name 2>$null }
    if (& getent passwd $Name) { Write-Warning "Test user $Name could not be removed" }
}

function Initialize-SharedPwsh {
    # Copies pwsh (the dotnet tool) and the built module to a world-readable folder once per run.
    $pwshSource = $PSHOME
    $stamp = "$SharedDir/pwsh/.source"
    if (-not (Test-Path $stamp) -or (Get-Content $stamp) -ne $pwshSource) {
        Remove-Item -Recurse -Force "$SharedDir/pwsh" -ErrorAction SilentlyContinue
        $null = New-Item -ItemType Directory -Force "$SharedDir/pwsh"
        Copy-Item -Recurse "$pwshSource/*" "$SharedDir/pwsh"
        Set-Content $stamp $pwshSource
    }
    Remove-Item -Recurse -Force "$SharedDir/module" -ErrorAction SilentlyContinue
    $null = New-Item -ItemType Directory -Force "$SharedDir/module"
    Copy-Item -Recurse $ModuleDir "$SharedDir/module/PerfSecurity"
    (Get-Item "$SharedDir/module/PerfSecurity/PerfSecurity.dll").LastWriteTimeUtc = (Get-Item "$ModuleDir/PerfSecurity.dll").LastWriteTimeUtc
    & chmod -R a+rX $SharedDir
}

function Invoke-AsUser {
    <#
    Runs $ScriptBlock in a new pwsh as $User (real uid/gid, supplementary groups from /etc/group) with
    the module imported, and returns Output, ErrorId, Category and Message (of the first terminating or
    non-terminating error). $ArgumentList is passed to the script block.
    #>
    param([string] $User, [scriptblock] $ScriptBlock, [object[]] $ArgumentList = @())
    $copy = "$SharedDir/module/PerfSecurity/PerfSecurity.dll"
    if (-not (Test-Path $copy) -or (Get-Item $copy).LastWriteTimeUtc -ne (Get-Item "$ModuleDir/PerfSecurity.dll").LastWriteTimeUtc) { Initialize-SharedPwsh }
    $userHome = "$SharedDir/home-$User"
    $null = New-Item -ItemType Directory -Force $userHome
    & chown "${User}:" $userHome
    $argsJson = ConvertTo-Json -InputObject @($ArgumentList) -Depth 5 -Compress
    $wrapper = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$SharedDir/module/PerfSecurity'
`$argsIn = @(ConvertFrom-Json -InputObject '$($argsJson -replace "'", "''")')
`$result = [ordered]@{ Output = `$null; ErrorId = `$null; Category = `$null; Message = `$null }
`$first = `$null
try {
    # Errors written (not caught) by the script block arrive as ErrorRecords through 2>&1.
    `$all = @(& { $ScriptBlock } @argsIn 2>&1)
    `$result.Output = @(`$all | Where-Object { `$_ -isnot [System.Management.Automation.ErrorRecord] })
    `$first = `$all | Where-Object { `$_ -is [System.Management.Automation.ErrorRecord] } | Select-Object -First 1
} catch {
    `$first = `$_
}
if (`$first) { `$result.ErrorId = `$first.FullyQualifiedErrorId; `$result.Category = `$first.CategoryInfo.Category.ToString(); `$result.Message = `$first.Exception.Message }
if (`$result.Output.Count -eq 1) { `$result.Output = `$result.Output[0] }
[pscustomobject]`$result | ConvertTo-Json -Depth 6 -Compress
"@
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($wrapper))
    $json = & setpriv --reuid $User --regid $User --init-groups --reset-env `
        env "HOME=$userHome" "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" DOTNET_CLI_TELEMETRY_OPTOUT=1 POWERSHELL_TELEMETRY_OPTOUT=1 `
        dotnet "$SharedDir/pwsh/pwsh.dll" -NoProfile -NonInteractive -EncodedCommand $encoded 2>&1
    $text = ($json | Out-String).Trim()
    $line = ($text -split "`n" | Where-Object { $_.StartsWith('{') } | Select-Object -Last 1)
    if (-not $line) { throw "pwsh as $User printed no result: $text" }
    $line | ConvertFrom-Json
}

function Start-TestSshServer {
    <#
    Starts a private sshd on 127.0.0.1 (a free port, key authentication only, the pwsh subsystem) for
    PowerShell remoting tests. Returns HostName, Port, UserName, KeyFilePath, Process and Directory;
    Stop-TestSshServer ends it and removes its files.
    #>
    $dir = Join-Path ([IO.Path]::GetTempPath()) ("pssshd" + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory $dir
    & ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key"
    & ssh-keygen -q -t ed25519 -N '' -f "$dir/client_key"
    Copy-Item "$dir/client_key.pub" "$dir/authorized_keys"
    $null = New-Item -ItemType Directory -Force /run/sshd
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    @"
ListenAddress 127.0.0.1
Port $port
HostKey $dir/host_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
UsePAM no
Subsystem powershell /usr/bin/dotnet $PSHOME/pwsh.dll -sshs -NoLogo -NoProfile
"@ | Set-Content "$dir/sshd_config"
    $process = Start-Process -FilePath /usr/sbin/sshd -ArgumentList @('-D', '-e', '-f', "$dir/sshd_config") -PassThru -RedirectStandardError "$dir/sshd.log"
    $deadline = [DateTime]::UtcNow.AddSeconds(10)
    do {
        Start-Sleep -Milliseconds 100
        $client = [System.Net.Sockets.TcpClient]::new()
        try { $client.Connect('127.0.0.1', $port); $up = $true } catch { $up = $false } finally { $client.Dispose() }
    } until ($up -or [DateTime]::UtcNow -gt $deadline)
    if (-not $up) { throw "sshd did not start: $(Get-Content -Raw "$dir/sshd.log")" }
    [pscustomobject]@{ HostName = '127.0.0.1'; Port = $port; UserName = 'root'; KeyFilePath = "$dir/client_key"; Process = $process; Directory = $dir }
}

function Stop-TestSshServer($Server) {
    if (-not $Server) { return }
    if (-not $Server.Process.HasExited) { $Server.Process.Kill($true) }
    Remove-Item -Recurse -Force $Server.Directory -ErrorAction SilentlyContinue
}

function Get-SystemFingerprint {
    <#
    A snapshot of the global state this module can change: the perf sysctls, the sysctl drop-ins,
    the group and sudoers databases, and (for each of $Path) owner, mode and security.capability.
    Two equal snapshots mean nothing was changed.
    #>
    param([string[]] $Path = @())
    $lines = [System.Collections.Generic.List[string]]::new()
    foreach ($f in Get-ChildItem /proc/sys/kernel -Filter 'perf_*') { $lines.Add("$($f.Name)=$((Get-Content $f.FullName).Trim())") }
    $watched = @('/etc/group', '/etc/gshadow', '/etc/passwd', '/etc/sudoers') +
        @(Get-ChildItem /etc/sysctl.d, /etc/sudoers.d -File -ErrorAction SilentlyContinue | ForEach-Object FullName)
    foreach ($f in $watched | Where-Object { Test-Path $_ }) { $lines.Add("$f $((Get-FileHash -Algorithm SHA256 $f).Hash)") }
    foreach ($p in $Path) {
        $stat = & stat -c '%U:%G %a %s' $p 2>&1
        $caps = & getfattr --absolute-names -n security.capability -e hex $p 2>&1 | Select-String 'security.capability='
        $lines.Add("$p $stat $caps")
    }
    $lines -join "`n"
}

function New-RootOnlyDirectory {
    <#
    A scratch directory on a path only root can change (root-owned and 0755 up to /), for files the module refuses
    to put where others could replace them: the capability shell script and its sudoers rule. Remove it when done.
    #>
    param([string] $Prefix = 'pstest')
    $dir = '/opt/{0}-{1}' -f $Prefix, (Get-Random -Minimum 10000 -Maximum 99999)
    $null = New-Item -ItemType Directory $dir
    & chmod 755 $dir
    $dir
}

function Start-AsUser {
    # Starts "sh -c $Command" as $User in the background (argument list passed verbatim) and returns the process.
    param([string] $User, [string] $Command)
    $psi = [System.Diagnostics.ProcessStartInfo]::new('setpriv')
    foreach ($a in '--reuid', $User, '--regid', $User, '--init-groups', 'sh', '-c', $Command) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    [System.Diagnostics.Process]::Start($psi)
}
