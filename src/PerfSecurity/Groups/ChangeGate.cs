namespace PerfSecurity.Groups;

/// <summary>
/// How the domain asks before each change and reports what it does, without knowing PowerShell:
/// the cmdlet passes ShouldProcess, whether -WhatIf is in effect, and its verbose and warning streams.
/// </summary>
public sealed class ChangeGate
{
    private readonly Func<string, string, bool> _approve;
    private readonly Action<string> _verbose;
    private readonly Action<string> _warn;

    public ChangeGate(Func<string, string, bool> approve, bool preview, Action<string>? verbose = null, Action<string>? warn = null)
    {
        _approve = approve;
        Preview = preview;
        _verbose = verbose ?? (_ => { });
        _warn = warn ?? (_ => { });
    }

    /// <summary>Every change is approved; for code and tests that act without a host.</summary>
    public static ChangeGate Always(Action<string>? verbose = null, Action<string>? warn = null) => new((_, _) => true, false, verbose, warn);

    /// <summary>-WhatIf: each step is described, none is made.</summary>
    public bool Preview { get; }

    public bool Approve(string target, string action) => _approve(target, action);
    public void Verbose(string message) => _verbose(message);
    public void Warn(string message) => _warn(message);
}
