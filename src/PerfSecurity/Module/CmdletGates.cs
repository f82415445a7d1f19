using System.Management.Automation;
using PerfSecurity.Groups;
using PerfSecurity.Text;

namespace PerfSecurity.Module;

/// <summary>Connects a cmdlet's ShouldProcess, -WhatIf and streams to the domain's <see cref="ChangeGate"/>.</summary>
internal static class CmdletGates
{
    public static ChangeGate GateOf(PSCmdlet cmdlet)
        => new((target, action) => cmdlet.ShouldProcess(Shown(target), Shown(action)), IsWhatIf(cmdlet),
            text => cmdlet.WriteVerbose(Shown(text)), text => cmdlet.WriteWarning(Shown(text)));

    private static string Shown(string text) => DisplayText.Escape(text) ?? "";

    /// <summary>-WhatIf given, or $WhatIfPreference set by the caller.</summary>
    public static bool IsWhatIf(PSCmdlet cmdlet)
    {
        if (cmdlet.MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? w))
            return LanguagePrimitives.IsTrue(w);
        return LanguagePrimitives.IsTrue(cmdlet.SessionState.PSVariable.GetValue("WhatIfPreference"));
    }
}
