# Simulated hosts for fleet tests and benchmarks: each is an sshd on 127.0.0.1 with its own port, in its own mount
# and UTS namespaces: its own host name, /etc a copy-on-write overlay (groups and users of its own), and an
# /etc/sysctl.d of its own. PowerShell remoting reaches it over SSH as "127.0.0.1:PORT" like any other host.
# (Runtime sysctls are the one kernel's, shared by all.)
#
# pwsh 7.6 notes, measured: Invoke-Command and New-PSSession take -ThrottleLimit only with -Session, not with
# -HostName or -SSHConnection; and an -SSHConnection hashtable with Options connects to port 22 whatever its Port
# says, so hosts are given as -HostName "host:port" with one -Options for all.
# Needs: $ModuleDir and $PSHOME's pwsh (the module and pwsh are read from this machine's file system).

function New-FleetKey([string] $Directory) {
    # One host key and one client key for all simulated hosts.
    $null = New-Item -ItemType Directory -Force $Directory
    if (-not (Test-Path "$Directory/host_key")) { & ssh-keygen -q -t ed25519 -N '' -f "$Directory/host_key" }
    if (-not (Test-Path "$Directory/client_key")) { & ssh-keygen -q -t ed25519 -N '' -f "$Directory/client_key" }
    Copy-Item "$Directory/client_key.pub" "$Directory/authorized_keys" -Force
}

function Get-FreePort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    $port
}

function Start-SimulatedHost {
    <#
    Starts host $Name. $SysctlConf is the content of its /etc/sysctl.d/60-fleet.conf, the only file in its sysctl.d
    (what it applies at next boot); $Setup is shell run in its namespaces before sshd starts (groupadd and the like).
    Returns Name, Port, HostName ("127.0.0.1:PORT" for -HostName), Process and Directory.
    #>
    param([string] $Name, [string] $KeyDirectory, [string] $SysctlConf = '', [string] $Setup = '')
    $dir = Join-Path ([IO.Path]::GetTempPath()) ("pstfleet-$Name-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = New-Item -ItemType Directory "$dir/upper", "$dir/work", "$dir/sysctl.d"
    if ($SysctlConf) { [IO.File]::WriteAllText("$dir/sysctl.d/60-fleet.conf", $SysctlConf) }
    $port = Get-FreePort
    @"
ListenAddress 127.0.0.1
Port $port
HostKey $KeyDirectory/host_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $KeyDirectory/authorized_keys
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
UsePAM no
MaxStartups 64
Subsystem powershell /usr/bin/dotnet $PSHOME/pwsh.dll -sshs -NoLogo -NoProfile
"@ | Set-Content "$dir/sshd_config"
    $null = New-Item -ItemType Directory -Force /run/sshd
    $inner = "mount -t overlay overlay -o lowerdir=/etc,upperdir=$dir/upper,workdir=$dir/work /etc && mount --bind '$dir/sysctl.d' /etc/sysctl.d && hostname '$Name' && $(if ($Setup) { "$Setup && " })exec /usr/sbin/sshd -D -e -f '$dir/sshd_config'"
    # Arguments one by one (Start-Process would join and re-split them).
    $psi = [System.Diagnostics.ProcessStartInfo]::new('unshare')
    foreach ($a in '--mount', '--uts', '--propagation', 'private', '--', 'sh', '-c', "exec >'$dir/setup.log' 2>'$dir/sshd.log'; $inner") { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($psi)
    $deadline = [DateTime]::UtcNow.AddSeconds(15)
    do {
        Start-Sleep -Milliseconds 100
        $client = [System.Net.Sockets.TcpClient]::new()
        try { $client.Connect('127.0.0.1', $port); $up = $true } catch { $up = $false } finally { $client.Dispose() }
    } until ($up -or $process.HasExited -or [DateTime]::UtcNow -gt $deadline)
    if (-not $up) {
        if (-not $process.HasExited) { $process.Kill($true) }
        $why = "$(Get-Content -Raw "$dir/sshd.log" -ErrorAction SilentlyContinue)$(Get-Content -Raw "$dir/setup.log" -ErrorAction SilentlyContinue)"
        Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue
        throw "Simulated host $Name did not start: $why"
    }
    [pscustomobject]@{ Name = $Name; Port = $port; HostName = "127.0.0.1:$port"; Process = $process; Directory = $dir }
}

function Get-FleetSshParameter([string] $KeyDirectory) {
    # What Invoke-Command and New-PSSession need besides -HostName, for every simulated host.
    @{
        UserName = 'root'; KeyFilePath = "$KeyDirectory/client_key"
        Options = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' }
    }
}

function Stop-SimulatedHost($Hosts) {
    foreach ($h in $Hosts) {
        if (-not $h) { continue }
        # The unshare process became sshd (exec); killing its tree ends the sessions too.
        if ($h.Process -and -not $h.Process.HasExited) { $h.Process.Kill($true); $null = $h.Process.WaitForExit(5000) }
        Remove-Item -Recurse -Force $h.Directory -ErrorAction SilentlyContinue
    }
}
