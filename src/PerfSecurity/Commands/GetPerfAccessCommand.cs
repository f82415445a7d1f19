using System.Management.Automation;
using PerfSecurity.Access;
using PerfSecurity.Errors;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsCommon.Get, "PerfAccess", DefaultParameterSetName = ProcessSet)]
[OutputType(typeof(AccessRule))]
public sealed class GetPerfAccessCommand : PerfCmdlet
{
    private const string ProcessSet = "Process";
    private const string UserSet = "User";

    /// <summary>The process to judge; the current one when left out.</summary>
    [Parameter(ParameterSetName = ProcessSet, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    public int? ProcessId { get; set; }

    /// <summary>A user whose fresh login is judged (root holds every capability, others none).</summary>
    [Parameter(ParameterSetName = UserSet, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(UserNameCompleter))]
    [AllowEmptyString]
    [Alias("User")]
    public string UserName { get; set; } = "";

    /// <summary>A binary the subject runs: its file capabilities and set-user-ID bit count, if the kernel honours them.</summary>
    [Parameter(ParameterSetName = ProcessSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = UserSet, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string? FilePath { get; set; }

    private KernelFacts? _kernel;

    protected override void BeginProcessing()
    {
        try { _kernel = AccessSubjects.CurrentKernel(); }
        catch (PerfSecurityException e) { ThrowFailure(e); }
    }

    protected override void ProcessRecord()
    {
        Try(() =>
        {
            string? path = FilePath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(FilePath);
            SubjectFacts subject = ParameterSetName == UserSet
                ? AccessSubjects.ForUser(UserName, path)
                : AccessSubjects.ForProcess(ProcessId ?? Environment.ProcessId, path);
            foreach (AccessRule rule in AccessRules.Decide(_kernel!, subject))
                WriteObject(rule);
        });
    }
}
