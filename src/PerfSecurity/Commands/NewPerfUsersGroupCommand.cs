using System.Management.Automation;
using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using PerfSecurity.Groups;
using PerfSecurity.Module;
using PerfSecurity.Settings;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsCommon.New, "PerfUsersGroup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PerfUsersGroup))]
public sealed class NewPerfUsersGroupCommand : PerfCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(PerfUsersGroupNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = GroupDatabase.DefaultGroupName;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("LiteralPath")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(CapabilityNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Capability { get; set; }

    [Parameter]
    public SwitchParameter IncludeIpcLock { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(UserNameCompleter))]
    [ValidateNotNull]
    public string[] Member { get; set; } = Array.Empty<string>();

    /// <summary>How the group gets the binary: Group (chgrp, the default) or Acl (an ACL entry; the binary keeps its group).</summary>
    [Parameter]
    public PerfUsersGroupGrant Grant { get; set; } = PerfUsersGroupGrant.Group;

    /// <summary>Grant capabilities that make the binary root-equivalent for its members (cap_sys_ptrace, cap_sys_admin, …) without asking.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            string? path = Path is null ? null : KernelPath(Path);
            KernelInfo kernel = KernelInfo.Current;
            PerfBinaryLocation binary = PerfUsersGroupTarget.Locate(path, kernel, forChange: true);
            if (binary.Note is { } note) WriteWarning(note);
            else WriteVerbose($"Binary: {binary.Path}");

            CapabilityChoice choice = CapabilityChoice.Resolve(Capability, IncludeIpcLock, kernel, Sysctl.ReadInt(Sysctl.ParanoidKey));
            foreach (string n in choice.Notes) WriteVerbose(n);
            foreach (string w in choice.Warnings) WriteWarning(w);

            ConfirmRootEquivalent(binary, choice.Set);

            var request = new PerfUsersGroupRequest(Name, binary, choice.Set, Member, Grant);
            IReadOnlyList<string> changes = PerfUsersGroupSetup.Apply(request, CmdletGates.GateOf(this));
            if (PassThru && !CmdletGates.IsWhatIf(this))
                WriteObject(PerfUsersGroupInspector.Inspect(Name, binary, changes.ToArray(), kernel));
        }
        catch (PerfSecurityException e)
        {
            ThrowFailure(e);
        }
    }

    // perf runs code its user chooses in its own process (perf script -s loads Python or Perl scripts), so every member
    // holds the binary's capabilities with a program of their own: asked for as Set-PerfCapability asks.
    private void ConfirmRootEquivalent(PerfBinaryLocation binary, CapabilitySet set)
    {
        CapabilitySet dangerous = RootEquivalence.In(set);
        if (dangerous.IsEmpty) return;
        string what = $"'{binary.Path}' would give every member of '{Name}' capabilities with which a program of their own becomes full root "
            + $"(perf script -s runs their Python or Perl scripts inside perf): {RootEquivalence.Describe(dangerous)}";
        if (CmdletGates.IsWhatIf(this))
        {
            WriteWarning(what + ".");
            return;
        }
        if (!Force && !ShouldContinue(what + ". Continue?", "Grant root-equivalent capabilities to a group"))
            throw new PerfSecurityException("PerfUsersGroupRootEquivalent", FailureKind.SecurityError,
                $"{what}. Nothing was changed; give -Force to grant them anyway, or leave them out (since Linux 5.9 cap_perfmon is enough; the default is cap_perfmon,cap_syslog).", set.ToString());
    }
}
