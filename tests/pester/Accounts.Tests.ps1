# Accounts a directory service holds (LDAP, SSSD) are not in /etc/passwd: every cmdlet must find them through NSS
# as login does. nss-systemd (in this host's nsswitch.conf) reads userdb records from /etc/userdb, which stands in for
# the directory here; the records are written in a private copy of /etc that no one else sees.
BeforeAll {
    . "$PSScriptRoot/common.ps1"
    . "$PSScriptRoot/namespace.ps1"
    $script:AcctName = 'psnss{0}' -f (Get-Random -Minimum 10000 -Maximum 99999)
    $script:AcctId = Get-Random -Minimum 60000 -Maximum 64999
    while (& getent passwd $AcctId) { $script:AcctId++ }
    $script:AcctDir = "/var/tmp/$AcctName"
    $null = New-Item -ItemType Directory $AcctDir
    $script:AcctData = "$AcctDir/perf.data"
    & /usr/bin/perf record -q -e cpu-clock -o $AcctData -- sleep 0.05 2>$null
    if ($LASTEXITCODE -ne 0) { throw "perf record failed ($LASTEXITCODE)" }
}

AfterAll { Remove-Item -Recurse -Force $AcctDir -ErrorAction SilentlyContinue }

Describe 'Accounts from a directory service' {
    It 'a user and group only NSS knows are named the same way by every cmdlet' {
        $r = Invoke-InPrivateEtc -ArgumentList $AcctName, $AcctId, $AcctData -ScriptBlock {
            param($Name, $Id, $Data)
            $null = New-Item -ItemType Directory -Force /etc/userdb
            [IO.File]::WriteAllText("/etc/userdb/$Name.user", "{`"userName`":`"$Name`",`"uid`":$Id,`"gid`":$Id,`"homeDirectory`":`"/nonexistent`",`"shell`":`"/bin/sh`",`"disposition`":`"regular`"}")
            [IO.File]::WriteAllText("/etc/userdb/$Name.group", "{`"groupName`":`"$Name`",`"gid`":$Id,`"disposition`":`"regular`"}")
            & ln -s "$Name.user" "/etc/userdb/$Id.user"
            & ln -s "$Name.group" "/etc/userdb/$Id.group"
            # A recording its group (the user's primary group) may read.
            & chown "0:$Id" $Data
            & chmod 0640 $Data
            $line = "Get-PerfAccess -UserName $Name"
            $groupLine = "Get-PerfUsersGroup -Name $Name"
            [pscustomobject]@{
                InPasswdFile    = [bool](Select-String -LiteralPath /etc/passwd -Pattern "^${Name}:" -Quiet)
                Getent          = [string](& getent passwd $Name)
                AccessUser      = (Get-PerfAccess -UserName $Name | Select-Object -First 1).UserName
                UserCompletion  = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText)
                GroupCompletion = @((TabExpansion2 -inputScript $groupLine -cursorColumn $groupLine.Length).CompletionMatches.CompletionText)
                Exposure        = Get-PerfDataExposure -LiteralPath $Data | Select-Object Owner, Group, ReadableBy
                Members         = @((Get-PerfUsersGroup -Name $Name -WarningAction SilentlyContinue).Members)
            }
        }
        $r.InPasswdFile | Should -BeFalse -Because 'the account must come from outside /etc/passwd for the test to mean anything'
        $r.Getent | Should -Match "^${AcctName}:x:${AcctId}:"
        $r.AccessUser | Should -Be $AcctName
        $r.UserCompletion | Should -Contain $AcctName
        $r.GroupCompletion | Should -Contain $AcctName
        $r.Exposure.Group | Should -Be $AcctName
        $r.Exposure.ReadableBy | Should -Match ([regex]::Escape($AcctName))
        $r.Members | Should -Contain $AcctName -Because 'a user whose primary group it is belongs to it'
    }
}
