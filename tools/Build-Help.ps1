<#
.SYNOPSIS
    Builds the module's MAML help (en-US/PerfSecurity.dll-Help.xml) from docs/help/<Cmdlet>.md.
.DESCRIPTION
    The markdown keeps the words (synopsis, description, parameter texts, examples, outputs, notes, links);
    syntax, types, positions and pipeline input come from the built cmdlets themselves, so they cannot drift.
    Runs in its own pwsh because it imports the freshly built module.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $HelpSource,
    [Parameter(Mandatory)] [string] $OutFile
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
$module = Get-Module PerfSecurity

function Split-Sections([string] $text, [string] $marker) {
    # Splits markdown into an ordered map heading -> body for headings that start with $marker.
    $map = [ordered]@{}
    $current = $null
    $inFence = $false
    foreach ($line in $text -split "`n") {
        if ($line -match '^```') { $inFence = -not $inFence }
        if (-not $inFence -and $line.StartsWith($marker + ' ')) {
            $current = $line.Substring($marker.Length + 1).Trim()
            $map[$current] = [System.Collections.Generic.List[string]]::new()
        }
        elseif ($null -ne $current) { $map[$current].Add($line.TrimEnd("`r")) }
    }
    foreach ($k in @($map.Keys)) { $map[$k] = ($map[$k] -join "`n").Trim() }
    $map
}

function Get-Paragraphs([string] $text) {
    if (-not $text) { return @() }
    ($text -split "`n\s*`n") | ForEach-Object { ($_ -replace '\s*\n\s*', ' ').Trim() } | Where-Object { $_ }
}

$commonParameters = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters

$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$null = New-Item -ItemType Directory -Force -Path (Split-Path $OutFile)
$w = [System.Xml.XmlWriter]::Create($OutFile, $settings)
$maml = 'http://schemas.microsoft.com/maml/2004/10'
$cmdNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'

function Write-Paras([string] $text) {
    $w.WriteStartElement('maml', 'description', $maml)
    foreach ($p in (Get-Paragraphs $text)) { $w.WriteElementString('maml', 'para', $maml, $p) }
    $w.WriteEndElement()
}

function Write-Type([string] $name) {
    $w.WriteStartElement('dev', 'type', $dev)
    $w.WriteElementString('maml', 'name', $maml, $name)
    $w.WriteEndElement()
}

function Get-PipelineText($p) {
    $kinds = @()
    if ($p.ValueFromPipeline) { $kinds += 'ByValue' }
    if ($p.ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

function Write-Parameter($meta, $setMeta, [string] $description, [bool] $withDescription) {
    $w.WriteStartElement('command', 'parameter', $cmdNs)
    $w.WriteAttributeString('required', $(if ($setMeta.IsMandatory) { 'true' } else { 'false' }))
    $w.WriteAttributeString('globbing', $(if ($meta.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }) { 'true' } else { 'false' }))
    $w.WriteAttributeString('pipelineInput', (Get-PipelineText $setMeta))
    $w.WriteAttributeString('position', $(if ($setMeta.Position -ge 0) { [string]($setMeta.Position + 1) } else { 'named' }))
    $w.WriteElementString('maml', 'name', $maml, $meta.Name)
    if ($withDescription) { Write-Paras $description }
    if ($meta.ParameterType -ne [System.Management.Automation.SwitchParameter]) {
        $w.WriteStartElement('command', 'parameterValue', $cmdNs)
        $w.WriteAttributeString('required', 'true')
        $w.WriteString($meta.ParameterType.Name)
        $w.WriteEndElement()
    }
    Write-Type $meta.ParameterType.FullName
    $w.WriteEndElement()
}

$w.WriteStartDocument()
$w.WriteStartElement('helpItems', 'http://msh')
$w.WriteAttributeString('schema', 'maml')
$missing = [System.Collections.Generic.List[string]]::new()

foreach ($name in ($module.ExportedCmdlets.Keys | Sort-Object)) {
    $command = Get-Command $name -Module PerfSecurity
    $file = Join-Path $HelpSource "$name.md"
    if (-not (Test-Path $file)) { $missing.Add("$name (no $file)"); continue }
    $doc = Split-Sections (Get-Content -Raw $file) '##'
    $paramDocs = Split-Sections ($doc['PARAMETERS']) '###'
    $exampleDocs = Split-Sections ($doc['EXAMPLES']) '###'
    $outputDocs = Split-Sections ($doc['OUTPUTS']) '###'
    $inputDocs = Split-Sections ($doc['INPUTS']) '###'
    $ownParameters = $command.Parameters.Values | Where-Object { $_.Name -notin $commonParameters }
    foreach ($p in $ownParameters) {
        if (-not $paramDocs["-$($p.Name)"]) { $missing.Add("$name -$($p.Name)") }
    }

    $w.WriteStartElement('command', 'command', $cmdNs)
    $w.WriteAttributeString('xmlns', 'maml', $null, $maml)
    $w.WriteAttributeString('xmlns', 'dev', $null, $dev)

    $w.WriteStartElement('command', 'details', $cmdNs)
    $w.WriteElementString('command', 'name', $cmdNs, $name)
    $w.WriteElementString('command', 'verb', $cmdNs, $command.Verb)
    $w.WriteElementString('command', 'noun', $cmdNs, $command.Noun)
    Write-Paras $doc['SYNOPSIS']
    $w.WriteEndElement()

    Write-Paras $doc['DESCRIPTION']

    $w.WriteStartElement('command', 'syntax', $cmdNs)
    foreach ($set in $command.ParameterSets) {
        $w.WriteStartElement('command', 'syntaxItem', $cmdNs)
        $w.WriteElementString('maml', 'name', $maml, $name)
        foreach ($sp in ($set.Parameters | Where-Object { $_.Name -notin $commonParameters })) {
            Write-Parameter $command.Parameters[$sp.Name] $sp '' $false
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'parameters', $cmdNs)
    foreach ($p in $ownParameters) {
        $setMeta = $p.ParameterSets.Values | Select-Object -First 1
        Write-Parameter $p $setMeta $paramDocs["-$($p.Name)"] $true
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'inputTypes', $cmdNs)
    foreach ($k in $inputDocs.Keys) {
        $w.WriteStartElement('command', 'inputType', $cmdNs); Write-Type $k; Write-Paras $inputDocs[$k]; $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'returnValues', $cmdNs)
    foreach ($k in $outputDocs.Keys) {
        $w.WriteStartElement('command', 'returnValue', $cmdNs); Write-Type $k; Write-Paras $outputDocs[$k]; $w.WriteEndElement()
    }
    $w.WriteEndElement()

    if ($doc['NOTES']) {
        $w.WriteStartElement('maml', 'alertSet', $maml)
        $w.WriteStartElement('maml', 'alert', $maml)
        foreach ($para in (Get-Paragraphs $doc['NOTES'])) { $w.WriteElementString('maml', 'para', $maml, $para) }
        $w.WriteEndElement(); $w.WriteEndElement()
    }

    $w.WriteStartElement('command', 'examples', $cmdNs)
    foreach ($title in $exampleDocs.Keys) {
        # An example: fenced code blocks (the command and its output) followed by remarks.
        $body = $exampleDocs[$title]
        $code = ([regex]::Matches($body, '(?ms)^```[a-z]*\n(.*?)^```') | ForEach-Object { $_.Groups[1].Value.TrimEnd() }) -join "`n`n"
        $remarks = [regex]::Replace($body, '(?ms)^```[a-z]*\n.*?^```', '').Trim()
        $w.WriteStartElement('command', 'example', $cmdNs)
        $w.WriteElementString('maml', 'title', $maml, "-------------------------- $title --------------------------")
        $w.WriteElementString('dev', 'code', $dev, $code)
        $w.WriteStartElement('dev', 'remarks', $dev)
        foreach ($para in (Get-Paragraphs $remarks)) { $w.WriteElementString('maml', 'para', $maml, $para) }
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'relatedLinks', $cmdNs)
    foreach ($link in (($doc['RELATED LINKS'] -split "`n") | Where-Object { $_ -match '^\s*[-*]\s*(.+)$' } | ForEach-Object { $Matches[1].Trim() })) {
        $w.WriteStartElement('maml', 'navigationLink', $maml)
        $w.WriteElementString('maml', 'linkText', $maml, $link)
        $w.WriteElementString('maml', 'uri', $maml, '')
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteEndElement() # command
}
$w.WriteEndElement()
$w.WriteEndDocument()
$w.Close()

if ($missing.Count) {
    Write-Warning "Help source is missing for: $($missing -join '; ')"
}
