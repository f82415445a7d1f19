BeforeDiscovery {
    # The per-cmdlet contexts are built at discovery: the module must be loaded by then.
    . "$PSScriptRoot/common.ps1"
    $script:CommandNames = (Get-Command -Module PerfSecurity).Name
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    $script:Commands = Get-Command -Module PerfSecurity
    $script:Common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
}

Describe 'The PerfSecurity module' {
    It 'exports exactly the cmdlets its assembly defines, listed explicitly in the manifest' {
        $manifest = Import-PowerShellDataFile (Join-Path $ModuleDir 'PerfSecurity.psd1')
        $assembly = [PerfSecurity.Commands.GetPerfParanoidCommand].Assembly
        $defined = $assembly.GetTypes() | ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { "$($_.VerbName)-$($_.NounName)" }
        $manifest.CmdletsToExport | Sort-Object | Should -Be ($defined | Sort-Object)
        $Commands.Name | Sort-Object | Should -Be ($defined | Sort-Object)
    }

    It 'uses approved verbs and the Perf noun prefix' {
        $approved = (Get-Verb).Verb
        foreach ($c in $Commands) {
            $c.Verb | Should -BeIn $approved
            $c.Noun | Should -Match '^Perf'
        }
    }

    Context '<_>' -ForEach $CommandNames {
        BeforeAll {
            $script:Name = $_
            $script:Help = Get-Help $Name -Full
            $script:Command = Get-Command $Name
        }

        It 'has a synopsis and a description' {
            $Help.Synopsis | Should -Not -BeNullOrEmpty
            $Help.Synopsis | Should -Not -Match "^\s*$Name "
            ($Help.Description.Text -join '') | Should -Not -BeNullOrEmpty
        }

        It 'describes every parameter' {
            foreach ($p in $Command.Parameters.Keys | Where-Object { $_ -notin $Common }) {
                $described = $Help.Parameters.Parameter | Where-Object Name -EQ $p
                ($described.Description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$p of $Name needs a description"
            }
        }

        It 'has at least two examples and related links' {
            @($Help.Examples.Example).Count | Should -BeGreaterOrEqual 2
            @($Help.RelatedLinks.NavigationLink).Count | Should -BeGreaterOrEqual 1
        }

        It 'declares its output type and has a default view for it' {
            $types = $Command.OutputType.Type | Where-Object { $_ -and $_.Namespace -eq 'PerfSecurity' }
            foreach ($t in $types) {
                Get-FormatData -TypeName $t.FullName | Should -Not -BeNullOrEmpty -Because "$($t.FullName) needs a view"
            }
        }

        It 'supports ShouldProcess and PermissionDenied conventions when it changes the system' {
            $attr = $Command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
            if ($Command.Verb -in 'Set', 'New', 'Add', 'Remove', 'Repair', 'Start', 'Stop') {
                if ($Command.Noun -notmatch 'CounterSession') { $attr.SupportsShouldProcess | Should -BeTrue }
            }
        }
    }

    It 'has an about_PerfSecurity topic that maps the kernel document to every cmdlet' {
        $about = Get-Help about_PerfSecurity | Out-String
        $about | Should -Match 'Perf events and tool security'
        foreach ($section in 'Data categories', 'perf_events access control', 'Privileged Perf users groups', 'Unprivileged users', 'Resource control') {
            $about | Should -Match ([regex]::Escape($section))
        }
        foreach ($c in $Commands) { $about | Should -Match "\b$([regex]::Escape($c.Name))\b" -Because "$($c.Name) needs its place in the topic" }
    }
}
