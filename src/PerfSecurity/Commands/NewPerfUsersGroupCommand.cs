using System.Management.Automation;
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
}
