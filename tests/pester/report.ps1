# Helpers for the report tests: an HTML5 parser (AngleSharp, restored by tools/Modules.csproj), headless Chromium,
# a PNG reader, and GitHub's Markdown renderer (cmark-gfm).

$nugetRoot = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
$angleSharp = Join-Path $nugetRoot 'anglesharp/1.10.3/lib/net8.0/AngleSharp.dll'
if (-not (Test-Path $angleSharp)) { & dotnet restore (Join-Path $RepoRoot 'tools/Modules.csproj') --nologo -v q | Out-Null }
Add-Type -Path $angleSharp
if (-not ('PngStats' -as [type])) { Add-Type -Path (Join-Path $PSScriptRoot 'tools/PngStats.cs') }

# Skip reasons, for -Skip and Set-ItResult.
$script:ChromiumPath = (Get-Command chromium -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1).Source
$script:CmarkGfmPath = (Get-Command cmark-gfm -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1).Source

function ConvertFrom-StrictHtml([string] $Html) {
    # AngleSharp's strict mode throws on any HTML5 parse error.
    $options = [AngleSharp.Html.Parser.HtmlParserOptions]::new()
    $options.IsStrictMode = $true
    [AngleSharp.Html.Parser.HtmlParser]::new($options).ParseDocument($Html)
}

function ConvertFrom-Html([string] $Html) { [AngleSharp.Html.Parser.HtmlParser]::new().ParseDocument($Html) }

function Invoke-Chromium {
    # Loads $Page (a file) in headless Chromium with a fresh profile; -Screenshot writes a 1200x900 PNG, else the DOM is returned.
    param([string] $Page, [string] $Screenshot, [string] $WindowSize = '1200,900')
    $profileDir = Join-Path ([IO.Path]::GetTempPath()) ('pstchrome{0}' -f (Get-Random))
    $null = New-Item -ItemType Directory $profileDir
    $common = @('--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', "--user-data-dir=$profileDir")
    try {
        if ($Screenshot) {
            $null = & timeout 120 $ChromiumPath @common "--screenshot=$Screenshot" "--window-size=$WindowSize" "file://$Page" 2>&1
            if (-not (Test-Path $Screenshot)) { throw "Chromium wrote no screenshot of $Page" }
        }
        else {
            $dom = & timeout 120 $ChromiumPath @common --dump-dom "file://$Page" 2>$null
            if ($LASTEXITCODE -ne 0) { throw "Chromium failed on $Page ($LASTEXITCODE)" }
            $dom -join "`n"
        }
    }
    finally { Remove-Item -Recurse -Force $profileDir -ErrorAction SilentlyContinue }
}

function ConvertFrom-GfmMarkdown([string] $Markdown) {
    # GitHub's renderer, with raw HTML let through, so that any HTML the report failed to escape would show.
    ($Markdown | & $CmarkGfmPath --unsafe -e table -e autolink -e strikethrough) -join "`n"
}
