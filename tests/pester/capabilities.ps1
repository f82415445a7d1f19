# Helpers shared by the capability suites: scratch files and random capability sets.

function New-CapScratch {
    # A root-owned scratch directory (mode 755) under /tmp with a unique name.
    $dir = "/tmp/pscaps-$([guid]::NewGuid().ToString('n').Substring(0, 10))"
    $null = New-Item -ItemType Directory $dir
    & chmod 755 $dir
    $dir
}

function New-CapTarget([string] $Dir, [string] $Name, [string] $Mode = '755') {
    # A root-owned executable regular file that can carry capabilities.
    $path = Join-Path $Dir $Name
    [IO.File]::WriteAllBytes($path, [byte[]](0x7f, 0x45, 0x4c, 0x46))
    & chmod $Mode $path
    $path
}

function Get-Getcap([string[]] $Path, [switch] $RootId) {
    # path -> text, from one getcap call for many files (getcap prints nothing for files without the xattr).
    $map = @{}
    $out = if ($RootId) { & getcap -n @Path 2>&1 } else { & getcap @Path 2>&1 }
    foreach ($line in $out) {
        $i = "$line".IndexOf(' ')
        if ($i -gt 0) { $map["$line".Substring(0, $i)] = "$line".Substring($i + 1) }
    }
    $map
}

function New-RandomCapSpec([System.Random] $Rng) {
    # A random (P, I, E) with libcap's file rule (E empty or P|I) and a text for it written clause by clause,
    # independent of the module's formatter: one clause per capability, by name or by number.
    $density = $Rng.NextDouble()
    [uint64] $p = 0; [uint64] $i = 0
    $top = if ($Rng.Next(10) -eq 0) { 64 } else { 41 }
    for ($n = 0; $n -lt $top; $n++) {
        if ($Rng.NextDouble() -lt $density) { $p = $p -bor ([uint64]1 -shl $n) }
        if ($Rng.NextDouble() -lt $density / 3) { $i = $i -bor ([uint64]1 -shl $n) }
    }
    $eff = $Rng.Next(2) -eq 1
    $clauses = [System.Collections.Generic.List[string]]::new()
    $clauses.Add('=')
    for ($n = 0; $n -lt 64; $n++) {
        $bit = [uint64]1 -shl $n
        $f = ''
        if ($eff -and (($p -bor $i) -band $bit)) { $f += 'e' }
        if ($i -band $bit) { $f += 'i' }
        if ($p -band $bit) { $f += 'p' }
        if (-not $f) { continue }
        $name = if ($n -le 40 -and $Rng.Next(2) -eq 0) { [PerfSecurity.Capabilities.CapabilityTable]::NameOf($n) } else { "$n" }
        $clauses.Add("$name+$f")
    }
    [pscustomobject]@{ Permitted = $p; Inheritable = $i; Effective = $eff -and ($p -bor $i) -ne 0; Text = $clauses -join ' ' }
}
