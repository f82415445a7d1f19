# Names users choose (file and directory names, the hostname and command line a perf.data records, the comm and
# exe of an audit record, sysctl.d file names of an image) reach what the module shows. Rendered, they must carry
# no control character a terminal would act on (OSC title, clear screen, OSC 52 clipboard, a carriage return that
# prints a fake "Pass" line, a right-to-left override); the objects keep the raw value that finds the file again.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/hostile.ps1"
    $script:Attacker = New-TestUser 'pste'
    $script:Tag = Get-Random -Minimum 10000 -Maximum 99999
    $script:Dir = "/tmp/pste-$Tag"
    $null = New-Item -ItemType Directory $Dir
    & chown "${Attacker}:" $Dir
    # What must be seen instead of the raw characters.
    $script:Visible = [regex]::Escape('\x1b]0;owned\x07\x1b[2J\x08\x0d Pass PERF-PARANOID-RUNTIME \u202eexe.txt')
    # An OSC 52 sequence (writes the terminal's clipboard) for names that cannot hold the whole text.
    $script:Clipboard = "`e]52;c;cm0gLXJmIH4K`a"

    function script:Assert-Clean([string] $Rendered, [string] $Because) {
        $Rendered | Should -Not -BeNullOrEmpty
        $Rendered | Should -Not -Match $TerminalControl -Because $Because
    }
    function script:Get-Streams([string] $Script, [string] $Hostile) {
        # Runs $Script in a runspace of this process, with $hostile set to $Hostile (so that PowerShell's own echo
        # of the command line does not quote it), and returns its progress, warning, verbose and error records.
        $ps = [powershell]::Create()
        try {
            $ps.Runspace.SessionStateProxy.SetVariable('hostile', $Hostile)
            $null = $ps.AddScript("`$ProgressPreference = 'Continue'; `$VerbosePreference = 'Continue'; Import-Module '$ModuleDir'; $Script")
            $output = $ps.Invoke()
            [pscustomobject]@{
                Output = $output
                Texts  = @($ps.Streams.Progress | ForEach-Object { $_.Activity; $_.StatusDescription; $_.CurrentOperation }) +
                         @($ps.Streams.Warning.Message) + @($ps.Streams.Verbose.Message) + @($ps.Streams.Error | ForEach-Object { "$_" })
                Errors = @($ps.Streams.Error)
            }
        }
        finally { $ps.Dispose() }
    }
}

AfterAll {
    Remove-Item -Recurse -Force $Dir -ErrorAction SilentlyContinue
    Remove-TestUser $Attacker
}

Describe 'Hostile text in what the module shows' -Tag Security, Unprivileged {
    It 'a capable file whose directory and name carry escapes, found by Get-PerfCapability -Recurse' {
        $sub = "$Dir/caps/d$Clipboard"
        $file = "$sub/$HostileText"
        & setpriv --reuid $Attacker --regid $Attacker --init-groups sh -c 'mkdir -p "$1" && cp /bin/true "$2"' sh $sub $file
        $LASTEXITCODE | Should -Be 0
        & setcap cap_perfmon=ep $file
        $r = @(Get-PerfCapability -LiteralPath "$Dir/caps" -Recurse)
        $r.Count | Should -Be 1
        $r[0].Path | Should -BeExactly $file
        $text = $r | Out-String -Width 200
        Assert-Clean $text 'the Path column shows the name'
        $text | Should -Match $Visible
        $s = Get-Streams '$null = Get-PerfCapability -LiteralPath $hostile -Recurse' $sub
        @($s.Texts | Where-Object { $_ -match 'd\\x1b\]52' }).Count | Should -BeGreaterThan 0 -Because 'progress names the folder being scanned'
        Assert-Clean ($s.Texts -join "`n") 'progress records name the folders scanned'
    }

    It 'a perf.data recorded by the attacker under a hostname with an OSC title and an output name with escapes' -Tag Kernel {
        $nr = if ((& uname -m) -eq 'aarch64') { 161 } else { 170 } # sethostname
        $data = "$Dir/rec$Clipboard.data"
        $perl = 'my ($nr, $name, @cmd) = @ARGV; syscall($nr, $name, length $name) == 0 or die "sethostname: $!"; exec @cmd or die "exec: $!"'
        Use-ParanoidLevel 2 {
            # In a user and UTS namespace of its own, an unprivileged user names the host as it likes.
            & setpriv --reuid $Attacker --regid $Attacker --init-groups unshare -Ur -u perl -e $perl $nr $HostileText perf record -q -e cpu-clock:u -o $data -- true
        }
        Test-Path -LiteralPath $data | Should -BeTrue
        $r = Get-PerfDataExposure -LiteralPath $data
        $r.Hostname | Should -BeExactly $HostileText
        $r.CmdLine | Should -Match ([regex]::Escape($Clipboard))
        Assert-Clean ($r | Out-String -Width 200) 'the table shows path and events'
        $list = $r | Format-List | Out-String -Width 200
        Assert-Clean $list 'the list shows hostname, command line and evidence'
        $list | Should -Match $Visible
        $audit = Invoke-PerfSecurityAudit -Id PERF-DATA-READABLE -DataPath $Dir
        Assert-Clean ($audit | Out-String -Width 200) 'the finding names the file'
        Assert-Clean ($audit | Format-List | Out-String -Width 200) 'the finding names the file'
        $s = Get-Streams '$null = Get-PerfDataExposure -LiteralPath $hostile -Recurse' $Dir
        Assert-Clean ($s.Texts -join "`n") 'progress and verbose messages name files and folders'
    }

    It 'an audit log whose hex-encoded comm and exe carry escapes' {
        function hex([string] $t) { -join ([Text.Encoding]::UTF8.GetBytes($t) | ForEach-Object { $_.ToString('X2') }) }
        $log = "$Dir/audit$Clipboard.log"
        $records = foreach ($i in 1, 2) {
            $exe = if ($i -eq 1) { "/tmp/$HostileText" } else { $null }
            $stamp = "1795982462.10$i`:10$i"
            if ($exe) { "type=SYSCALL msg=audit($stamp): arch=c000003e syscall=298 success=no exit=-13 pid=10$i uid=1000 comm=$(hex $HostileText) exe=$(hex $exe)" }
            "type=AVC msg=audit($stamp): avc:  denied  { perfmon } for  pid=10$i comm=$(hex $HostileText) capability=38 tclass=capability2 permissive=0"
            "type=AVC msg=audit($stamp): avc:  denied  { sys_admin } for  pid=10$i comm=$(hex $HostileText) capability=21 tclass=capability permissive=0"
            "type=EOE msg=audit($stamp): "
        }
        $records -join "`n" | & setpriv --reuid $Attacker --regid $Attacker --init-groups sh -c 'cat > "$1"' sh $log
        $r = @(Get-PerfCapabilityDenial -LiteralPath $log)
        $r.Count | Should -Be 2
        $r.Command | Should -Be @($HostileText, $HostileText)
        $text = $r | Out-String -Width 200
        Assert-Clean $text 'the table shows the executable, the command and the recommendation'
        $text | Should -Match $Visible
        Assert-Clean ($r | Format-List | Out-String -Width 200) 'the list shows every field'
        $audit = Invoke-PerfSecurityAudit -Id PERF-AUDIT-DOUBLE-DENIAL -AuditLogPath $log
        Assert-Clean ($audit | Out-String -Width 200) 'the finding names the program'
        Assert-Clean ($audit | Format-List | Out-String -Width 200) 'the finding names the program'
        $s = Get-Streams '$null = Get-PerfCapabilityDenial -LiteralPath $hostile -Verbose' $log
        @($s.Texts | Where-Object { $_ -match 'audit\\x1b\]52' }).Count | Should -BeGreaterThan 0
        Assert-Clean ($s.Texts -join "`n") 'verbose and progress name the log'
    }

    It 'a sysctl.d file of an image whose name carries escapes, shown by Get-PerfParanoid -Root' {
        $image = "$Dir/image"
        $conf = "$image/etc/sysctl.d/50-$HostileText.conf"
        & setpriv --reuid $Attacker --regid $Attacker --init-groups sh -c 'mkdir -p "$1" && echo "kernel.perf_event_paranoid = 1" > "$2"' sh "$image/etc/sysctl.d" $conf
        $r = Get-PerfParanoid -Root $image
        $r.PersistedIn | Should -BeExactly $conf
        $text = $r | Out-String -Width 200
        Assert-Clean $text 'PersistedIn shows the file name'
        $text | Should -Match $Visible
        Assert-Clean (Get-PerfSysctl -Root $image | Out-String -Width 200) 'PersistedIn shows the file name'
    }

    It 'error messages quote hostile paths escaped and keep them raw in TargetObject' {
        $missing = "$Dir/none$HostileText"
        $s = Get-Streams 'Get-PerfToolInfo -NoExecute -LiteralPath $hostile; Get-PerfCapabilityDenial -LiteralPath $hostile' $missing
        $s.Errors.Count | Should -Be 2
        foreach ($e in $s.Errors) {
            Assert-Clean $e.Exception.Message 'the message is shown as it is'
            Assert-Clean ($e | Out-String -Width 200) 'the error view shows the message'
            $e.TargetObject | Should -BeExactly $missing
        }
    }
}
