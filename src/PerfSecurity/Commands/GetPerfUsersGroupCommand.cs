using System.Management.Automation;
using PerfSecurity.Errors;
using PerfSecurity.Groups;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsCommon.Get, "PerfUsersGroup")]
[OutputType(typeof(PerfUsersGroup))]
public sealed class GetPerfUsersGroupCommand : PerfCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(PerfUsersGroupNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = { GroupDatabase.DefaultGroupName };

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("LiteralPath")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    protected override void ProcessRecord()
    {
        PerfBinaryLocation? binary = null;
        try
        {
            string? path = Path is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            binary = PerfUsersGroupTarget.Locate(path);
        }
        catch (PerfSecurityException e) when (Path is null && e.ErrorId == "PerfUsersGroupPerfNotFound")
        {
            WriteVerbose(e.Message);
        }
        catch (PerfSecurityException e)
        {
            ThrowFailure(e);
        }
        foreach (string name in Name)
            Try(() => WriteObject(PerfUsersGroupInspector.Inspect(name, binary)));
    }
}
