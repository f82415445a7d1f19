namespace PerfSecurity;

/// <summary>The capability shell of the kernel document: a capsh script and the sudoers rule that lets a group run it.</summary>
public sealed class PerfCapabilityShell
{
    public PerfCapabilityShell(string path, string capshPath, string group, string[] capabilities, string iab, string sudoersPath,
        string sudoersRule, bool noPassword, string[] changes)
    {
        Path = path;
        CapshPath = capshPath;
        Group = group;
        Capabilities = capabilities;
        Iab = iab;
        SudoersPath = sudoersPath;
        SudoersRule = sudoersRule;
        NoPassword = noPassword;
        Changes = changes;
    }

    /// <summary>The script members run through sudo.</summary>
    public string Path { get; }
    /// <summary>The capsh binary the script executes (symlinks resolved).</summary>
    public string CapshPath { get; }
    public string Group { get; }
    /// <summary>The capabilities the shell raises into the ambient set.</summary>
    public string[] Capabilities { get; }
    /// <summary>The IAB text given to capsh (^cap_perfmon,…).</summary>
    public string Iab { get; }
    public string SudoersPath { get; }
    public string SudoersRule { get; }
    public bool NoPassword { get; }
    public string[] Changes { get; }
    public bool Changed => Changes.Length > 0;
}
