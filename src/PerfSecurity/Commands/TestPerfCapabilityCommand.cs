using System.Management.Automation;
using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsDiagnostic.Test, "PerfCapability", DefaultParameterSetName = DesiredCapabilityCmdlet.PathCapability)]
[OutputType(typeof(bool))]
public sealed class TestPerfCapabilityCommand : DesiredCapabilityCmdlet
{
    /// <summary>The namespace root uid expected (0, the default, also matches revision 2).</summary>
    [Parameter]
    public uint RootId { get; set; }

    private CapabilityState _expected;

    protected override void BeginProcessing()
    {
        try { _expected = DesiredState(Capability, Flag, Text); }
        catch (PerfSecurityException e) { ThrowFailure(e); }
    }

    protected override void ProcessRecord()
    {
        foreach (string path in ResolvePaths(Path, LiteralPath))
        {
            Try(() =>
            {
                var actual = FileCapabilities.Read(path);
                if (actual is null)
                {
                    WriteVerbose($"'{ShownPath(path)}' has no file capabilities (no {FileCapabilityData.XattrName} attribute).");
                    WriteObject(false);
                    return;
                }
                bool same = actual.State == _expected && (actual.RootId ?? 0) == RootId;
                if (!same)
                    WriteVerbose($"'{ShownPath(path)}' has '{actual.Text}'{(actual.RootId is uint r ? $" [rootid={r}]" : "")}, expected '{CapabilityText.Format(_expected)}'{(RootId != 0 ? $" [rootid={RootId}]" : "")}.");
                WriteObject(same);
            });
        }
    }
}
